import Foundation
import PipelineConfig
import PostProcessing
import Raster
import Scene
import TestSupport
import Testing

/// The shipped class catalogue and rule set, and matching a model's classes against a catalogue.
@Suite struct CatalogueTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let dstlCatalogue = repository + "/config/classes/dstl.yaml"
    static let dstlRules = repository + "/config/postprocess/dstl-3rd.yaml"

    @Test func theShippedCatalogueIsClassSetDSTL() throws {
        #expect(try ClassSet.load(path: Self.dstlCatalogue) == ClassSet.dstl)
    }

    @Test func modelClassesAreMatchedByNameInTheModelsOrder() throws {
        let resolved = try ClassSet.dstl.resolve(modelClassNames: ["road", "buildings", "small_vehicle"])
        #expect(resolved.classes.map(\.id) == [3, 1, 10])
        #expect(resolved.byName("road") == ClassSet.dstl.byName("road"))
    }

    @Test func aModelClassTheCatalogueLacksIsOneError() throws {
        #expect {
            try ClassSet.dstl.resolve(modelClassNames: ["road", "roads"], catalogue: "config/classes/dstl.yaml")
        } throws: { error in
            "\(error)" == "the model's class 2 'roads' is not in config/classes/dstl.yaml (it has buildings, structures, road, "
                + "track, trees, crops, waterway, standing_water, large_vehicle, small_vehicle)"
        }
        #expect(throws: SceneError.self) { try ClassSet.dstl.resolve(modelClassNames: ["road", "road"]) }
    }

    @Test func theShippedRuleSetRunsOnAllTenClasses() throws {
        let ruleSet = try RuleSet.load(path: Self.dstlRules, classNames: ClassSet.dstl.names, bandNames: [])
        #expect(ruleSet.thresholds == ["buildings": 0.3, "structures": 0.3, "road": 0.9, "track": 0.3, "trees": 0.1, "crops": 0.3])
        #expect(ruleSet.rules.count == 10)

        // Waterway clears all; buildings (0.3) clear road; a 4-pixel road (1 m pixels: 4 m²) is
        // under its 1000 m²; buildings of 6 m² stay.
        let width = 8, height = 4, plane = width * height
        var values = [UInt8](repeating: 0, count: plane * 10)
        func set(_ name: String, _ x: Int, _ y: Int, _ q: UInt8) {
            values[(ClassSet.dstl.names.firstIndex(of: name)!) * plane + y * width + x] = q
        }
        for x in 0..<3 { for y in 0..<2 { set("buildings", x, y, 80) } }     // 0.31 >= 0.3
        for x in 0..<4 { set("road", x, 3, 254) }
        set("road", 0, 0, 254)                                              // under a building
        for y in 0..<4 { set("waterway", 7, y, 200); set("crops", 7, y, 254) }
        let directory = try TemporaryDirectory()
        let input = directory.file("p.tif"), output = directory.file("m.tif")
        let grid = Fixture.grid(width: width, height: height)
        try Fixture.writeProbabilities(input, grid: grid, values: values, classCount: 10)
        let summary = try PostProcessor(ruleSet: ruleSet, classes: ClassSet.dstl, grid: grid).run(probabilities: input, output: output)
        let masks = try Fixture.readMasks(output)
        #expect(masks[0] == ["###.....", "###.....", "........", "........"])  // buildings
        #expect(masks[2] == ["........", "........", "........", "........"])  // road: excluded, then too small
        #expect(masks[5] == ["........", "........", "........", "........"])  // crops: cleared by waterway
        #expect(masks[6] == [".......#", ".......#", ".......#", ".......#"])  // waterway
        #expect(summary.classes.map(\.pixels) == [6, 0, 0, 0, 0, 0, 4, 0, 0, 0])
        #expect(summary.removedRegions == 1)
    }
}
