import TestSupport
import Foundation
import Testing
import Raster
import Scene
import SceneSynthesis

@Suite struct SynthesisTests {
    @Test func sameSeedAndSizeGiveByteIdenticalFiles() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        let a = try SceneSynthesizer(size: 200, seed: 7).write(to: first.path)
        var b = try SceneSynthesizer(size: 200, seed: 7)
        b.stripRows = 64  // a different strip height must not change a byte
        let report = try b.write(to: second.path)
        #expect(a.files.count == 6)
        for (fileA, fileB) in zip(a.files, report.files) {
            let bytesA = try Data(contentsOf: URL(fileURLWithPath: fileA))
            let bytesB = try Data(contentsOf: URL(fileURLWithPath: fileB))
            #expect(bytesA == bytesB, "\(fileA) differs from \(fileB)")
        }
        let other = try TemporaryDirectory()
        let c = try SceneSynthesizer(size: 200, seed: 8).write(to: other.path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: c.files[0])) != Data(contentsOf: URL(fileURLWithPath: a.files[0])))
    }

    @Test func productsFollowTheWorldView3Layout() throws {
        let directory = try TemporaryDirectory()
        let synthesizer = try SceneSynthesizer(size: 480, seed: 3, sceneID: "6010_1_2")
        _ = try synthesizer.write(to: directory.path)
        let expected: [(String, Int, Int)] = [("6010_1_2.tif", 3, 480), ("6010_1_2_P.tif", 1, 480),
                                              ("6010_1_2_M.tif", 8, 120), ("6010_1_2_A.tif", 8, 20), ("6010_1_2_truth.tif", 10, 480)]
        let reference = try Dataset.open(directory.file("6010_1_2.tif"))
        let referenceExtent = reference.geoTransform!.extent(width: 480, height: 480)
        for (name, bands, width) in expected {
            let dataset = try Dataset.open(directory.file(name))
            #expect(dataset.bandCount == bands, "\(name)")
            #expect(dataset.width == width && dataset.height == width, "\(name)")
            #expect(try dataset.crs?.epsg == 32631, "\(name)")
            let extent = dataset.geoTransform!.extent(width: width, height: width)
            #expect(abs(extent.minX - referenceExtent.minX) < 1e-6 && abs(extent.maxY - referenceExtent.maxY) < 1e-6
                    && abs(extent.maxX - referenceExtent.maxX) < 1e-6 && abs(extent.minY - referenceExtent.minY) < 1e-6, "\(name)")
            if name != "6010_1_2_truth.tif" {
                #expect(try dataset.band(1).pixelType == .uint16)
                let values = try dataset.read(UInt16.self, window: .full(width: width, height: width))
                #expect(values.max()! <= 2047, "\(name) exceeds 11 bits")
                #expect(Set(values).count > 50, "\(name) looks flat")
            }
        }
        #expect(abs(reference.geoTransform!.pixelWidth - 0.31) < 1e-12)
        #expect(try Dataset.open(directory.file("6010_1_2_M.tif")).band(8).name == "NIR2")
    }

    /// Every DSTL class appears at 1024 x 1024, in the mask and in the polygons, and the polygons
    /// carry their class.
    @Test func everyClassIsPresentAt1024() throws {
        let directory = try TemporaryDirectory()
        let report = try SceneSynthesizer(size: 1024, seed: 1).write(to: directory.path)
        for count in report.classPixels {
            #expect(count.count > 0, "class \(count.sceneClass.name) has no pixels")
        }
        let truth = try Dataset.open(directory.file("synth_1_truth.tif"))
        let band = try truth.read(UInt8.self, bands: [9], window: .full(width: 1024, height: 1024))
        #expect(band.reduce(0) { $0 + Int($1) } == report.classPixels[8].count)
        let polygons = try VectorDataset.open(directory.file("synth_1_truth.gpkg"))
        let rows = try polygons.executeSQL("SELECT class_id, class_name, COUNT(*) FROM truth GROUP BY class_id ORDER BY class_id")
        #expect(rows.map { $0[0] } == (1...10).map(String.init))
        #expect(rows.map { $0[1] } == ClassSet.dstl.classes.map(\.name))
    }

    @Test func vehiclesLieOnRoadsAndCropsExcludeRoads() throws {
        let directory = try TemporaryDirectory()
        _ = try SceneSynthesizer(size: 1024, seed: 2).write(to: directory.path)
        let truth = try Dataset.open(directory.file("synth_2_truth.tif"))
        let mask = try truth.read(UInt8.self, window: .full(width: 1024, height: 1024))
        let plane = 1024 * 1024
        func band(_ id: Int) -> ArraySlice<UInt8> { mask[(id - 1) * plane..<id * plane] }
        let road = band(3), crops = band(6)
        #expect(zip(road, crops).allSatisfy { !($0 == 1 && $1 == 1) }, "crops overlap roads")
        // Some road pixels carry a vehicle too (multi-label, as in DSTL).
        let vehiclesOnRoad = zip(band(10), road).filter { $0 == 1 && $1 == 1 }.count
        #expect(vehiclesOnRoad > 0)
    }

    @Test func sizeOutOfRangeIsRejected() {
        #expect(throws: RasterError.self) { try SceneSynthesizer(size: 4, seed: 1) }
    }
}
