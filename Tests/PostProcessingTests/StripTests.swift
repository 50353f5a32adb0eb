import Foundation
import PipelineConfig
import PostProcessing
import Raster
import Scene
import TestSupport
import Testing

/// Strips are an implementation detail: regions crossing strip boundaries are measured whole, and
/// the output does not depend on the strip height.
@Suite struct StripTests {
    let ab = Fixture.classes(["a", "b"])

    @Test func aRegionCrossingStripsIsKeptOrRemovedWhole() throws {
        // With 2-row strips, the U (11 pixels) spans 4 strips and its arms meet only in the last
        // one; the bar (7 pixels) spans 4 strips. Minimum 8: the U stays, the bar goes, in every
        // strip it touches.
        let plane = [
            "#.#...#",
            "#.#...#",
            "#.#...#",
            "#.#...#",
            "#.#...#",
            "###...#",
            "......#",
        ]
        for stripHeight in [1, 2, 3, 7] {
            let masks = try Fixture.run("rules:\n  - min_area: {classes: [a], pixels: 8}\n", classes: ab, planes: [plane, plane],
                                        stripHeight: stripHeight)
            #expect(masks[0] == plane.map { String($0.prefix(3)) + "...." }, "strip height \(stripHeight)")
        }
    }

    @Test func aRegionTouchingAcrossABoundaryOnlyDiagonallyIsOneRegion() throws {
        // With 2-row strips, row 1's run and row 2's pixel meet only corner to corner across a
        // strip boundary: one region of 4. Row 4's run (3 pixels) is another.
        let plane = ["....", "###.", "...#", "....", "###."]
        let masks = try Fixture.run("rules:\n  - min_area: {classes: [a], pixels: 4}\n", classes: ab, planes: [plane, plane], stripHeight: 2)
        #expect(masks[0] == ["....", "###.", "...#", "....", "...."])
        let diagonal = ["#...", ".#..", "..#.", "...#"]
        let joined = try Fixture.run("rules:\n  - min_area: {classes: [a], pixels: 4}\n", classes: ab, planes: [diagonal, diagonal], stripHeight: 1)
        #expect(joined[0] == diagonal)
    }

    @Test func outputsAreIdenticalForAnyStripHeight() throws {
        // A seeded random scene of blobs in 3 classes, and a rule set using every kind of rule.
        let width = 41, height = 37, classCount = 3
        var generator = SeededGenerator(seed: 7)
        var values = [UInt8](repeating: 0, count: width * height * classCount)
        for c in 0..<classCount {
            for _ in 0..<25 {
                let cx = Int.random(in: 0..<width, using: &generator), cy = Int.random(in: 0..<height, using: &generator)
                let r = Int.random(in: 0...4, using: &generator), p = UInt8.random(in: 60...254, using: &generator)
                for y in max(0, cy - r)..<min(height, cy + r + 1) {
                    for x in max(0, cx - r)..<min(width, cx + r + 1) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
                        values[(c * height + y) * width + x] = max(values[(c * height + y) * width + x], p)
                    }
                }
            }
        }
        for y in 30..<33 { for x in 5..<9 { for c in 0..<classCount { values[(c * height + y) * width + x] = 255 } } }
        let bands = InMemoryBandStripSource(width: width, bands: [
            // NDVI above 0.5 in the right third of the scene.
            "nir": (0..<width * height).map { Float($0 % width) / Float(width) },
            "red": (0..<width * height).map { _ in 0.2 },
        ])
        let classes = Fixture.classes(["a", "b", "c"])
        let ruleSet = try RuleSet.parse(yaml: """
            version: 1
            thresholds: {a: 0.4}
            rules:
              - close: {classes: [a], radius: 2}
              - min_area: {classes: [a, b], pixels: 12}
              - relabel: {from: b, to: c, max_pixels: 30, min_compactness: 0.4}
              - exclude: {where: a, clear: [c]}
              - open: {classes: all, radius: 1, shape: square}
              - index: {class: c, index: ndvi, bands: {nir: nir, red: red}, above: 0.5, combine: intersect}
              - min_area: {classes: [c], m2: 6}
              - min_area: {classes: [b], pixels: 20}
            """, file: "rules.yaml", classNames: classes.names, bandNames: ["nir", "red"])

        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif")
        let grid = Fixture.grid(width: width, height: height, pixel: 0.5)
        try Fixture.writeProbabilities(input, grid: grid, values: values, classCount: classCount)
        var outputs: [[[String]]] = []
        var summaries: [PostProcessingSummary] = []
        for stripHeight in [height, 3, 1, 16] {
            let output = directory.file("masks-\(stripHeight).tif")
            summaries.append(try PostProcessor(ruleSet: ruleSet, classes: classes, grid: grid, bands: bands, stripHeight: stripHeight)
                .run(probabilities: input, output: output))
            outputs.append(try Fixture.readMasks(output))
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        #expect(summaries.map(\.classes).allSatisfy { $0 == summaries[0].classes })
        #expect(summaries.map(\.removedRegions).allSatisfy { $0 == summaries[0].removedRegions })
        #expect(summaries.map(\.relabelledRegions).allSatisfy { $0 == summaries[0].relabelledRegions })
        // The scene is not trivially empty or full, and the rules did something.
        #expect(summaries[0].classes.allSatisfy { $0.pixels > 0 && $0.pixels < width * height }, "\(summaries[0])")
        #expect(summaries[0].removedRegions > 0)
        #expect(summaries[0].relabelledRegions > 0)
        // Only the output and the input remain: temporary files are gone.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func wideScenesGetFewerRowsPerStrip() {
        #expect(PostProcessor.stripHeight(width: 8_192, classCount: 10) == 256)
        #expect(PostProcessor.stripHeight(width: 40_000, classCount: 10) == 159)
        let wide = PostProcessor.stripHeight(width: 100_000, classCount: 10)
        #expect(wide == 63 && wide * 100_000 * 42 <= PostProcessor.defaultStripBudgetBytes)
        #expect(PostProcessor.stripHeight(width: 10_000_000, classCount: 10) == 1)
    }

    @Test func theOutputKeepsTheGridAndNamesItsBands() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif"), output = directory.file("masks.tif")
        let grid = try Fixture.writeProbabilities(input, planes: [["#.", ".x"], ["..", "#x"]], pixel: 0.31)
        let summary = try PostProcessor(ruleSet: RuleSet(name: "plain"), classes: ab, grid: grid).run(probabilities: input, output: output)
        let masks = try Dataset.open(output)
        #expect(try masks.grid == grid)
        let bands = try masks.bands
        #expect(bands.map(\.name) == ["a", "b"])
        #expect(bands.allSatisfy { (try? $0.pixelType) == .uint8 && $0.noDataValue == 255 })
        #expect(summary.classes.map(\.pixels) == [1, 1])
        #expect(abs(summary.classes[0].squareMetres - 0.31 * 0.31) < 1e-12)
    }

    @Test func aProbabilitiesFileThatDoesNotFitIsOneError() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif"), output = directory.file("masks.tif")
        let grid = try Fixture.writeProbabilities(input, planes: [["#."]])
        #expect {
            try PostProcessor(ruleSet: RuleSet(name: "plain"), classes: ab, grid: grid).run(probabilities: input, output: output)
        } throws: { error in
            "\(error)" == "\(input): has 1 bands, but there are 2 classes (a, b)"
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func probabilityBandsNamedForOtherClassesAreOneError() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif")
        let grid = try Fixture.writeProbabilities(input, planes: [["#."], [".."]])
        do {
            let dataset = try Dataset.open(input, access: .update)
            try dataset.band(1).setName("b")
            try dataset.band(2).setName("a")
        }
        #expect {
            try PostProcessor(ruleSet: RuleSet(name: "plain"), classes: ab, grid: grid).run(probabilities: input, output: directory.file("m.tif"))
        } throws: { error in
            "\(error)" == "\(input): band 1 is class 'b', but class 1 is 'a'"
        }
    }

    @Test func aRuleSetBuiltInCodeIsCheckedAgainstTheClassesAndBands() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif")
        let grid = try Fixture.writeProbabilities(input, planes: [["#."], [".."]])
        let unknownClass = RuleSet(name: "x", rules: [.exclude(ExclusionRule(present: "a", clear: .classes(["roads"])))])
        #expect(throws: PostProcessingError.self) {
            try PostProcessor(ruleSet: unknownClass, classes: ab, grid: grid).run(probabilities: input, output: directory.file("m.tif"))
        }
        let zeroRadius = RuleSet(name: "x", rules: [.open(MorphologyRule(classes: .all, radius: 0))])
        #expect {
            try PostProcessor(ruleSet: zeroRadius, classes: ab, grid: grid).run(probabilities: input, output: directory.file("m.tif"))
        } throws: { error in
            "\(error)" == "rules[0].open: radius 0 is out of range 1-32 pixels"
        }
        let needsBands = RuleSet(name: "x", rules: [.index(IndexRule(className: "a", index: .ndvi, bands: ["nir": "n", "red": "r"], comparison: .above(0)))])
        #expect {
            try PostProcessor(ruleSet: needsBands, classes: ab, grid: grid).run(probabilities: input, output: directory.file("m.tif"))
        } throws: { error in
            "\(error)".contains("reads band 'n', but no scene bands were given")
        }
    }
}
