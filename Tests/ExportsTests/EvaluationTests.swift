import Foundation
import Evaluation
import Raster
import Scene
import SceneSynthesis
import TestSupport
import Testing

@Suite struct EvaluationTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    // 4 x 3 pixels, three classes; pixel (2, 3) is nodata in the run and left out.
    static let predicted: [[String]] = [["##..", "##..", "...x"], ["....", "..#.", "..#x"], ["....", "....", "...x"]]
    static let truth: [[String]] = [["#...", "##.#", "...#"], ["....", "..#.", "...."], ["....", "....", "...."]]

    func decided() throws -> DecidedMasks {
        try DecidedFixtures.write(directory.file("decided.tif"), width: 4, height: 3, classes: DecidedFixtures.three) { k, r, c in
            DecidedFixtures.parse(Self.predicted[k])(r, c)
        }
    }

    /// Writes `truth` as a mask raster on `grid`, offset by (rowOffset, colOffset) pixels inside it.
    func writeTruthRaster(_ name: String, grid: RasterGrid, bandCount: Int = 3, names: [String]? = nil,
                          rowOffset: Int = 0, colOffset: Int = 0) throws -> String {
        let path = directory.file(name)
        let dataset = try Dataset.create(path, grid: grid, bandCount: bandCount, pixelType: .uint8)
        var values = [UInt8](repeating: 0, count: grid.width * grid.height * bandCount)
        for k in 0..<min(bandCount, 3) {
            let value = DecidedFixtures.parse(Self.truth[k])
            for r in 0..<3 { for c in 0..<4 { values[(k * grid.height + r + rowOffset) * grid.width + c + colOffset] = value(r, c) } }
        }
        try dataset.write(values, window: .full(width: grid.width, height: grid.height))
        for (i, name) in (names ?? []).enumerated() { try dataset.band(i + 1).setName(name) }
        return path  // `dataset` is released (closed) on return
    }

    /// Writes `truth` as one square polygon per truth pixel, with the given attribute columns.
    func writeTruthPolygons(_ name: String, crs: CRS, columns: [FieldDefinition]) throws -> String {
        let path = directory.file(name)
        let vector = try VectorDataset.createGeoPackage(path)
        let layer = try vector.createLayer("labels", crs: crs, fields: columns)
        for (k, sceneClass) in DecidedFixtures.three.classes.enumerated() {
            let value = DecidedFixtures.parse(Self.truth[k])
            for r in 0..<3 { for c in 0..<4 where value(r, c) == 1 {
                let x0 = 500_000 + Double(c) * 2, y0 = 5_700_000 - Double(r) * 2
                let square = try Geometry(wkt: "POLYGON ((\(x0) \(y0), \(x0 + 2) \(y0), \(x0 + 2) \(y0 - 2), \(x0) \(y0 - 2), \(x0) \(y0)))")
                let values: [FieldValue] = columns.map { $0.name == "class_id" ? .integer(sceneClass.id) : .string(sceneClass.name) }
                try layer.addFeature(geometry: square, values: values)
            } }
        }
        return path
    }

    func counts(_ score: EvaluationReport.ClassScore) -> [Int] {
        [score.truthPixels, score.predictedPixels, score.intersection, score.union]
    }

    func expectHandComputed(_ report: EvaluationReport) {
        #expect(report.evaluatedPixels == 11 && report.excludedPixels == 1)
        let a = report.classes[0], b = report.classes[1], c = report.classes[2]
        #expect(counts(a) == [4, 4, 3, 5])
        #expect(a.jaccard == 0.6)
        #expect(counts(b) == [1, 2, 1, 2])
        #expect(b.jaccard == 0.5)
        #expect(counts(c) == [0, 0, 0, 0])
        #expect(c.jaccard == nil)
        #expect(report.meanJaccard == 0.55)
    }

    @Test func maskTruthGivesHandComputedJaccard() throws {
        let masks = try decided()
        let path = try writeTruthRaster("truth.tif", grid: masks.grid)
        let report = try Evaluator(masks: masks, truth: GroundTruth.detect(path: path)).run()
        expectHandComputed(report)
        #expect(report.matchedBy == "band order")
        #expect(report.table().contains("mean Jaccard over the 2 classes present in the truth: 0.5500"))
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(report.json().utf8))
        #expect(decoded == report)
    }

    @Test func polygonTruthByIdOrNameGivesHandComputedJaccard() throws {
        let masks = try decided()
        let crs = masks.grid.crs!
        let byID = try writeTruthPolygons("by-id.gpkg", crs: crs, columns: [FieldDefinition("class_id", .integer)])
        let byIDReport = try Evaluator(masks: masks, truth: GroundTruth.detect(path: byID)).run()
        expectHandComputed(byIDReport)
        #expect(byIDReport.matchedBy == "class_id")
        let byName = try writeTruthPolygons("by-name.gpkg", crs: crs, columns: [FieldDefinition("class_name", .string)])
        let byNameReport = try Evaluator(masks: masks, truth: .polygons(path: byName, layer: "labels")).run()
        expectHandComputed(byNameReport)
        #expect(byNameReport.matchedBy == "class_name")
    }

    @Test func truthOnALargerGridIsWarpedOntoTheRunsGrid() throws {
        let masks = try decided()
        let larger = RasterGrid(crs: masks.grid.crs, geoTransform: .northUp(originX: 500_000 - 4, originY: 5_700_000 + 2, pixelWidth: 2, pixelHeight: 2),
                                width: 7, height: 5)
        let path = try writeTruthRaster("larger.tif", grid: larger, rowOffset: 1, colOffset: 2)
        expectHandComputed(try Evaluator(masks: masks, truth: .masks(path: path)).run())
    }

    @Test func namedTruthBandsMatchByName() throws {
        let masks = try decided()
        // Bands named in another order than the classes: band 1 "car" holds the car truth (empty), etc.
        let path = directory.file("named.tif")
        do {
            let dataset = try Dataset.create(path, grid: masks.grid, bandCount: 3, pixelType: .uint8)
            for (band, k) in [(1, 2), (2, 0), (3, 1)] {
                let value = DecidedFixtures.parse(Self.truth[k])
                try dataset.write((0..<12).map { value($0 / 4, $0 % 4) }, bands: [band], window: .full(width: 4, height: 3))
                try dataset.band(band).setName(DecidedFixtures.three.classes[k].name)
            }
        }
        let report = try Evaluator(masks: masks, truth: .masks(path: path)).run()
        expectHandComputed(report)
        #expect(report.matchedBy == "band name")
    }

    /// The synthetic scene's two truths (mask raster and polygons) score a perturbed run the same.
    @Test func synthMaskAndPolygonTruthsGiveTheSameTable() throws {
        let report = try SceneSynthesizer(size: 256, seed: 3).write(to: directory.path)
        let truthPath = report.files.first { $0.hasSuffix("_truth.tif") }!
        let gpkgPath = report.files.first { $0.hasSuffix("_truth.gpkg") }!
        let truth = try Dataset.open(truthPath)
        let values = try truth.read(UInt8.self, window: .full(width: 256, height: 256))
        // The run: the truth shifted 2 pixels right, with no data in the top 5 rows.
        let decidedPath = directory.file("decided.tif")
        do {
            let decided = try Dataset.create(decidedPath, grid: truth.grid, bandCount: 10, pixelType: .uint8)
            let n = 256 * 256
            let shifted = (0..<(10 * n)).map { i -> UInt8 in
                let (k, p) = (i / n, i % n), (r, c) = (p / 256, p % 256)
                if r < 5 { return 255 }
                return c >= 2 ? values[k * n + r * 256 + c - 2] : 0
            }
            try decided.write(shifted, window: .full(width: 256, height: 256))
        }
        let masks = try DecidedMasks(path: decidedPath, classes: SceneSynthesizer.classes)
        let fromMasks = try Evaluator(masks: masks, truth: GroundTruth.detect(path: truthPath)).run()
        let fromPolygons = try Evaluator(masks: masks, truth: GroundTruth.detect(path: gpkgPath)).run()
        #expect(fromMasks.matchedBy == "band name" && fromPolygons.matchedBy == "class_id")
        #expect(fromMasks.classes == fromPolygons.classes)
        #expect(fromMasks.meanJaccard == fromPolygons.meanJaccard)
        #expect(fromMasks.excludedPixels == 5 * 256)
        let scored = fromMasks.classes.compactMap(\.jaccard)
        #expect(scored.count >= 5 && scored.allSatisfy { $0 > 0 && $0 < 1 }, "\(fromMasks.table())")
    }

    // MARK: - Bad input: one line naming the file and what is wrong

    @Test func truthInAnotherCRSIsOneError() throws {
        let masks = try decided()
        var grid = masks.grid
        grid.crs = try CRS(epsg: 32632)
        let path = try writeTruthRaster("utm32.tif", grid: grid)
        #expect { try Evaluator(masks: masks, truth: .masks(path: path)).run() } throws: { error in
            "\(error)" == "\(path): truth is in EPSG:32632, the run's grid in EPSG:32631; reproject the truth onto the run's CRS"
        }
        let polygons = try writeTruthPolygons("wgs84.gpkg", crs: CRS(epsg: 4326), columns: [FieldDefinition("class_id", .integer)])
        #expect { try Evaluator(masks: masks, truth: .polygons(path: polygons, layer: nil)).run() } throws: { error in
            "\(error)".hasPrefix("\(polygons) (layer 'labels'): truth is in EPSG:4326")
        }
    }

    @Test func truthNotOverlappingIsOneError() throws {
        let masks = try decided()
        var grid = masks.grid
        grid.geoTransform.originX += 10_000
        let path = try writeTruthRaster("elsewhere.tif", grid: grid)
        #expect { try Evaluator(masks: masks, truth: .masks(path: path)).run() } throws: { error in
            "\(error)".hasPrefix("\(path): does not overlap the run's grid")
        }
    }

    @Test func truthWithTheWrongBandCountIsOneError() throws {
        let masks = try decided()
        let path = try writeTruthRaster("two.tif", grid: masks.grid, bandCount: 2)
        #expect { try Evaluator(masks: masks, truth: .masks(path: path)).run() } throws: { error in
            "\(error)" == "\(path): has 2 bands; the run has 3 classes (buildings, road, car), one band per class"
        }
        let named = try writeTruthRaster("named.tif", grid: masks.grid, names: ["buildings", "roads", "car"])
        #expect { try Evaluator(masks: masks, truth: .masks(path: named)).run() } throws: { error in
            "\(error)".hasPrefix("\(named): no band is named 'road' (band names: buildings, roads, car)")
        }
    }

    @Test func polygonsWithoutAClassColumnAreOneError() throws {
        let masks = try decided()
        let path = try writeTruthPolygons("kind.gpkg", crs: masks.grid.crs!, columns: [FieldDefinition("kind", .string)])
        #expect { try Evaluator(masks: masks, truth: .polygons(path: path, layer: nil)).run() } throws: { error in
            "\(error)" == "\(path) (layer 'labels'): has no class column (class_id or class_name); its fields: kind"
        }
    }
}
