import Foundation
import Testing

@testable import PipelineConfig

/// Rule set files: every kind of rule, the shipped set, and bad rules with their line and column.
@Suite struct RuleSetTests {
    static let file = "config/postprocess/test.yaml"
    static let classes = ["buildings", "road", "waterway", "trees"]
    static let bands = ["red", "red_edge", "nir2"]

    static func parse(_ yaml: String) throws -> RuleSet {
        try RuleSet.parse(yaml: yaml, file: file, classNames: classes, bandNames: bands)
    }

    static func error(_ yaml: String) -> ConfigError? {
        do {
            let rules = try parse(yaml)
            Issue.record("expected a ConfigError, parsed \(rules)")
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("expected a ConfigError, got \(error)")
        }
        return nil
    }

    @Test func everyKindOfRuleReads() throws {
        let rules = try Self.parse("""
            version: 1
            name: all-kinds
            thresholds: {road: 0.9, trees: 0.1}
            rules:
              - exclude: {where: waterway, clear: all}
              - exclude: {where: buildings, clear: [road, trees]}
              - min_area: {classes: [buildings], m2: 5}
              - min_area: {classes: all, pixels: 3}
              - open: {classes: [trees], radius: 2}
              - close: {classes: all, radius: 1, shape: square}
              - index: {class: waterway, index: ccci, bands: {nir: nir2, red_edge: red_edge, red: red}, above: 0.11}
              - index: {class: trees, index: normalized_difference, bands: {a: nir2, b: red}, below: -0.2, combine: replace}
            """)
        #expect(rules == RuleSet(name: "all-kinds", thresholds: ["road": 0.9, "trees": 0.1], rules: [
            .exclude(ExclusionRule(present: "waterway", clear: .all)),
            .exclude(ExclusionRule(present: "buildings", clear: .classes(["road", "trees"]))),
            .minimumArea(MinimumAreaRule(classes: .classes(["buildings"]), minimum: .squareMetres(5))),
            .minimumArea(MinimumAreaRule(classes: .all, minimum: .pixels(3))),
            .open(MorphologyRule(classes: .classes(["trees"]), radius: 2, shape: .disk)),
            .close(MorphologyRule(classes: .all, radius: 1, shape: .square)),
            .index(IndexRule(className: "waterway", index: .ccci, bands: ["nir": "nir2", "red_edge": "red_edge", "red": "red"],
                             comparison: .above(0.11), combine: .union)),
            .index(IndexRule(className: "trees", index: .normalizedDifference, bands: ["a": "nir2", "b": "red"],
                             comparison: .below(-0.2), combine: .replace)),
        ]))
        #expect(rules.readsBands)
        #expect(rules.locations[FieldPath.root.key("rules").index(2)]?.line == 7)
    }

    @Test func theShippedRuleSetLoads() throws {
        let path = ShippedPipelineTests.pipelinesDirectory + "/../config/postprocess/dstl-3rd.yaml"
        let names = try ClassCatalogue.load(path: ShippedPipelineTests.pipelinesDirectory + "/../config/classes/dstl.yaml").classes.map(\.name)
        let rules = try RuleSet.load(path: path, classNames: names, bandNames: [])
        #expect(rules.name == "dstl-3rd")
        #expect(rules.rules.prefix(4) == [
            .exclude(ExclusionRule(present: "waterway", clear: .all)),
            .exclude(ExclusionRule(present: "standing_water", clear: .classes(["road"]))),
            .exclude(ExclusionRule(present: "buildings", clear: .all)),
            .exclude(ExclusionRule(present: "road", clear: .classes(["standing_water"]))),
        ])
        #expect(rules.rules.contains(.minimumArea(MinimumAreaRule(classes: .classes(["road"]), minimum: .squareMetres(1000)))))
        #expect(!rules.readsBands)
    }

    @Test func theShippedCCCIRuleSetLoadsWithTheDSTLPipelinesBandNames() throws {
        let directory = ShippedPipelineTests.pipelinesDirectory
        let pipeline = try PipelineSpec.load(path: directory + "/dstl-20band.yaml")
        let names = try ClassCatalogue.load(path: directory + "/../config/classes/dstl.yaml").classes.map(\.name)
        let rules = try RuleSet.load(path: directory + "/../config/postprocess/dstl-3rd-ccci.yaml", classNames: names,
                                     bandNames: pipeline.declaredBandNames)
        #expect(rules.readsBands)
        #expect(rules.rules.first == .index(IndexRule(
            className: "waterway", index: .ccci, bands: ["nir": "nir2", "red_edge": "red_edge", "red": "red"], comparison: .above(0.11))))
        // Without the pipeline's band names the same file is an error at the band.
        #expect(throws: ConfigError.self) {
            try RuleSet.load(path: directory + "/../config/postprocess/dstl-3rd-ccci.yaml", classNames: names, bandNames: [])
        }
    }

    @Test func unknownClassesAndBandsAreNamedAtTheirLine() {
        var error = Self.error("version: 1\nrules:\n  - exclude: {where: waterway, clear: [roads]}\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:40: rules[0].exclude.clear[0]: unknown class 'roads' (did you mean 'road'?)")
        error = Self.error("version: 1\nthresholds:\n  building: 0.3\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:3: thresholds.building: unknown class 'building' (did you mean 'buildings'?)")
        error = Self.error("version: 1\nrules:\n  - index: {class: waterway, index: ndvi, bands: {nir: nir1, red: red}, above: 0}\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:51: rules[0].index.bands.nir: unknown band 'nir1' (did you mean 'nir2'?)")
        do {
            _ = try RuleSet.parse(yaml: "version: 1\nrules:\n  - index: {class: trees, index: ndvi, bands: {nir: n, red: r}, above: 0}\n",
                                  file: Self.file, classNames: Self.classes, bandNames: [])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasSuffix("unknown band 'n': the pipeline names no bands (add band_names to its scene.sources)"))
        }
    }

    @Test func wrongTypesUnknownKeysAndConflictsNameTheirLine() {
        var error = Self.error("version: 1\nrules:\n  - open: {classes: [trees], radius: two}\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:30: rules[0].open.radius: expected an integer, got 'two'")
        error = Self.error("version: 1\nrules:\n  - min_aera: {classes: [trees], pixels: 3}\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:5: rules[0].min_aera: unknown rule kind 'min_aera' (did you mean 'min_area'?)")
        error = Self.error("version: 1\nrules:\n  - min_area: {classes: [trees], pixels: 3, m2: 4}\n")
        #expect(error?.code == .conflictingKey)
        error = Self.error("version: 1\nrules:\n  - min_area: {classes: [trees]}\n")
        #expect(error?.code == .missingKey)
        #expect(error?.line == 3)
        error = Self.error("version: 1\nrules:\n  - exclude: {where: road, clear: [road]}\n")
        #expect(error?.message == "'road' cannot clear itself")
        error = Self.error("version: 1\nrules:\n  - exclude: {where: road, clear: all}\n    open: {classes: all, radius: 1}\n")
        #expect(error?.code == .conflictingKey)
        #expect(error?.line == 4)
        error = Self.error("version: 1\nrules:\n  - close: {classes: all, radius: 40}\n")
        #expect(error?.message == "radius 40 is out of range 1-32 pixels")
        error = Self.error("version: 1\nrules:\n  - index: {class: trees, index: ndvi, bands: {nir: nir2}, above: 0}\n")
        #expect(error?.message == "index ndvi needs bands for nir, red; 'red' is missing")
        error = Self.error("version: 1\nrules:\n  - index: {class: trees, index: evi, bands: {nir: nir2}, above: 0}\n")
        #expect(error?.message.hasPrefix("unknown index 'evi'") == true)
        error = Self.error("version: 1\nthresholds: {road: 2}\n")
        #expect(error?.message == "threshold 2.0 is outside [0, 1]")
        error = Self.error("version: 1\nrule: []\n")
        #expect(error?.message == "unknown key 'rule' (did you mean 'rules'?)")
        error = Self.error("rules: []\n")
        #expect(error?.code == .missingKey)
    }

    @Test func relabelReadsAnAreaAndACompactnessAndRejectsWhatCannotWork() throws {
        let rules = try RuleSet.parse(
            yaml: "version: 1\nrules:\n  - relabel: {from: waterway, to: standing_water, max_m2: 2000, min_compactness: 0.3}\n"
                + "  - relabel: {from: buildings, to: structures, max_pixels: 40}\n",
            file: Self.file, classNames: ["buildings", "structures", "waterway", "standing_water"], bandNames: [])
        #expect(rules.rules == [
            .relabel(RelabelRule(from: "waterway", to: "standing_water", maximum: .squareMetres(2000), minimumCompactness: 0.3)),
            .relabel(RelabelRule(from: "buildings", to: "structures", maximum: .pixels(40))),
        ])
        var error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: road, max_m2: 10}\n")
        #expect(error?.description == "config/postprocess/test.yaml:3:27: rules[0].relabel.to: 'road' cannot be relabelled to itself")
        error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: trees, max_m2: 10, min_compactness: 1.5}\n")
        #expect(error?.message == "a compactness is in [0, 1] (π/4 ≈ 0.79 for a disc), got 1.5")
        #expect(error?.line == 3)
        error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: trees}\n")
        #expect(error?.message == "a maximum area needs 'max_m2' (square metres) or 'max_pixels'")
        error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: trees, max_m2: 10, max_pixels: 3}\n")
        #expect(error?.code == .conflictingKey)
        error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: rivers, max_m2: 10}\n")
        #expect(error?.message.hasPrefix("unknown class 'rivers'") == true)
        error = Self.error("version: 1\nrules:\n  - relabel: {from: road, to: trees, max_m2: -1}\n")
        #expect(error?.message == "a maximum area must be positive, got -1.0")
    }
}
