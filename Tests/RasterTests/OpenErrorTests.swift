import TestSupport
import Foundation
import Testing
import Raster

@Suite struct OpenErrorTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    @Test func missingFileNamesThePathAndFunction() {
        let path = directory.file("nope.tif")
        let error = #expect(throws: RasterError.self) { try Dataset.open(path) }
        #expect(error?.code == .openFailed)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("GDALOpenEx") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func textFileIsNotARaster() throws {
        let path = directory.file("notes.tif")
        try "not an image\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: RasterError.self) { try Dataset.open(path) }
        #expect(error?.code == .notRaster)
        #expect(error?.description.contains(path) == true)
    }

    @Test func truncatedGeoTIFFFailsOnOpenOrRead() throws {
        let path = directory.file("whole.tif")
        do {
            let dataset = try Dataset.create(path, width: 300, height: 300, bandCount: 3, pixelType: .uint16,
                                             options: GeoTIFFOptions(compression: .none))
            try dataset.write((0..<270_000).map { UInt16($0 % 2000) }, window: .full(width: 300, height: 300))
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncatedPath = directory.file("truncated.tif")
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncatedPath))
        let error = #expect(throws: RasterError.self) {
            let dataset = try Dataset.open(truncatedPath)
            _ = try dataset.read(UInt16.self, window: .full(width: dataset.width, height: dataset.height))
        }
        #expect(error?.description.contains(truncatedPath) == true)
        // The header-only stub is not even a TIFF.
        try bytes.prefix(5).write(to: URL(fileURLWithPath: truncatedPath))
        #expect(throws: RasterError.self) { try Dataset.open(truncatedPath) }
    }

    @Test func vectorOnlyGeoPackageIsNotARaster() throws {
        let path = directory.file("polygons.gpkg")
        do {
            let vector = try VectorDataset.createGeoPackage(path)
            _ = try vector.createLayer("things", crs: CRS(epsg: 4326), fields: [FieldDefinition("id", .integer)])
        }
        let error = #expect(throws: RasterError.self) { try Dataset.open(path) }
        #expect(error?.code == .notRaster)
    }

    @Test func badCRSDefinition() {
        #expect(throws: RasterError.self) { try CRS(definition: "EPSG:99999999") }
    }
}
