import Foundation
import Raster
import Scene
import SceneSynthesis
import TestSupport
import Testing

@testable import TrainingRun

/// Truth as a mask raster and as polygons rasterized by GDAL: on a synth scene (which writes both,
/// the polygons vectorized from the mask) they must be the same pixels.
@Suite struct TruthLoaderTests {
    static let catalogue = ClassSet.dstl.classes.map(\.name)

    func synthScene(_ directory: TemporaryDirectory) throws -> RasterGrid {
        _ = try SceneSynthesizer(size: 128, seed: 5, sceneID: "t").write(to: directory.path)
        return try Dataset.open(directory.file("t.tif")).grid
    }

    @Test func rasterizedPolygonsEqualTheMask() throws {
        let directory = try TemporaryDirectory()
        let grid = try synthScene(directory)
        let classes = ["buildings", "road", "trees", "crops", "small_vehicle"]
        let mask = try TruthLoader.mask(path: directory.file("t_truth.tif"), grid: grid, classes: classes, catalogue: Self.catalogue, origin: "m")
        let polygons = try TruthLoader.polygons(path: directory.file("t_truth.gpkg"), layer: nil, classColumn: "class_name", grid: grid,
                                                classes: classes, catalogue: Self.catalogue, origin: "p")
        #expect(mask.count == classes.count * 128 * 128)
        #expect(mask.reduce(0) { $0 + Int($1) } > 1000, "the scene has labelled pixels")
        let differing = zip(mask, polygons).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) pixels differ")
    }

    @Test func maskBandsAreMatchedByClassName() throws {
        let directory = try TemporaryDirectory()
        let grid = try synthScene(directory)
        let all = try TruthLoader.mask(path: directory.file("t_truth.tif"), grid: grid, classes: Self.catalogue, catalogue: Self.catalogue, origin: "m")
        let two = try TruthLoader.mask(path: directory.file("t_truth.tif"), grid: grid, classes: ["crops", "buildings"], catalogue: Self.catalogue, origin: "m")
        let plane = 128 * 128
        #expect(Array(two[0..<plane]) == Array(all[5 * plane..<6 * plane]))
        #expect(Array(two[plane..<2 * plane]) == Array(all[0..<plane]))
    }

    @Test func truthNotMatchingTheClassesIsOneLine() throws {
        let directory = try TemporaryDirectory()
        let grid = try synthScene(directory)
        // Polygons whose class column holds a name outside the catalogue.
        let vector = try VectorDataset.open(directory.file("t_truth.gpkg"), update: true)
        try vector.executeSQL("UPDATE truth SET class_name = 'lake' WHERE class_id = 8")
        let error = #expect(throws: TrainingRunError.self) {
            try TruthLoader.polygons(path: directory.file("t_truth.gpkg"), layer: nil, classColumn: "class_name", grid: grid,
                                     classes: ["road"], catalogue: Self.catalogue, origin: "scenes.training[0] (t.yaml:5)")
        }
        #expect(error?.description == "scenes.training[0] (t.yaml:5): the truth polygons '\(directory.file("t_truth.gpkg"))' have class_name 'lake', not a class of the catalogue")
        let column = #expect(throws: TrainingRunError.self) {
            try TruthLoader.polygons(path: directory.file("t_truth.gpkg"), layer: nil, classColumn: "label", grid: grid,
                                     classes: ["road"], catalogue: Self.catalogue, origin: "o")
        }
        #expect(column?.description.contains("has no field 'label'") == true, "\(String(describing: column))")
        // A mask of the wrong size, and a missing one.
        let small = try Dataset.create(directory.file("small.tif"), width: 64, height: 64, bandCount: 1, pixelType: .uint8)
        try small.flush()
        let size = #expect(throws: TrainingRunError.self) {
            try TruthLoader.mask(path: directory.file("small.tif"), grid: grid, classes: ["road"], catalogue: Self.catalogue, origin: "o")
        }
        #expect(size?.description.contains("is 64 x 64 px but the scene's reference grid is 128 x 128") == true, "\(String(describing: size))")
        let missing = #expect(throws: TrainingRunError.self) {
            try TruthLoader.mask(path: directory.file("none.tif"), grid: grid, classes: ["road"], catalogue: Self.catalogue, origin: "o")
        }
        #expect(missing?.description.hasPrefix("o: cannot open the truth mask") == true, "\(String(describing: missing))")
    }
}
