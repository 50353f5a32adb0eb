import Foundation
import PipelineConfig
import PostProcessing
import Scene
import TestSupport
import Testing

/// From a pipeline's `classes:` and `rules:` to the classes and rule set a run uses.
@Suite struct SetupTests {
    static func pipeline(_ extra: String, in directory: TemporaryDirectory) throws -> PipelineSpec {
        let yaml = """
            version: 1
            scene: {sources: [{path: a.tif, bands: [1, 2], band_names: [red, nir]}]}
            model: {kind: identity, bands: [1]}
            \(extra)
            """
        return try PipelineSpec.parse(yaml: yaml, file: "p.yaml", baseDirectory: directory.path)
    }

    @Test func theCatalogueIsOrderedAsTheModelAndTheRulesChecked() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: CatalogueTests.dstlCatalogue, toPath: directory.file("dstl.yaml"))
        try "version: 1\nthresholds: {road: 0.9}\nrules:\n  - index: {class: trees, index: ndvi, bands: {nir: nir, red: red}, above: 0.4}\n"
            .write(toFile: directory.file("r.yaml"), atomically: true, encoding: .utf8)
        let spec = try Self.pipeline("classes: dstl.yaml\nrules: r.yaml", in: directory)
        let setup = try #require(try spec.postProcessingSetup(modelClassNames: ["trees", "road"]))
        #expect(setup.classes.names == ["trees", "road"])
        #expect(setup.ruleSet.thresholds == ["road": 0.9])
        #expect(setup.ruleSet.readsBands)

        // A rule naming a catalogue class the model does not output is an error at its line.
        #expect {
            try spec.postProcessingSetup(modelClassNames: ["road"])
        } throws: { error in
            "\(error)" == "\(directory.file("r.yaml")):4:5: rules[0].index: class 'trees' is not among the model's classes (road)"
        }
        // Without rules: the catalogue's thresholds alone.
        let plain = try Self.pipeline("classes: dstl.yaml", in: directory)
        #expect(try plain.postProcessingSetup(modelClassNames: ["road"])?.ruleSet.rules == [])
        // Without a catalogue: probabilities only.
        #expect(try Self.pipeline("", in: directory).postProcessingSetup(modelClassNames: ["x"]) == nil)
    }

    @Test func aMissingCatalogueIsNamedAtThePipelinesLine() throws {
        let directory = try TemporaryDirectory()
        let spec = try Self.pipeline("classes: missing.yaml", in: directory)
        #expect {
            try spec.postProcessingSetup(modelClassNames: ["road"])
        } throws: { error in
            "\(error)" == "p.yaml:4:1: classes: \(directory.file("missing.yaml")): no such file"
        }
    }
}
