import Foundation
import TestSupport
import Testing
import Raster

/// `buildAverageOverviews` against GDAL's own: a COG written from a raster whose overviews we
/// built must be byte for byte the COG GDAL writes when it computes them itself.
@Suite struct OverviewTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// A 3-band UInt8 raster (ENVI, as the run's partial output) of values 0 – 254 with nodata
    /// (255) in scattered pixels, in a whole block and in a whole band's corner, so every case of
    /// a 2 x 2 block (0 to 4 valid pixels) occurs.
    func raster(_ name: String, width: Int, height: Int) throws -> Dataset {
        let dataset = try Dataset.create(directory.file(name), width: width, height: height, bandCount: 3, pixelType: .uint8, driver: "ENVI")
        try dataset.setCRS(CRS(epsg: 32631))
        try dataset.setGeoTransform(.northUp(originX: 300_000, originY: 5_000_000, pixelWidth: 0.5, pixelHeight: 0.5))
        var random = SystemRandomNumberGenerator()
        var values = (0..<(3 * width * height)).map { _ in UInt8.random(in: 0...254, using: &random) }
        for index in values.indices where Int.random(in: 0..<5, using: &random) == 0 { values[index] = 255 }
        for row in 0..<min(height, 40) { for col in 0..<min(width, 60) { values[width * height + row * width + col] = 255 } }
        try dataset.write(values, window: .full(width: width, height: height))
        for band in 1...3 { try dataset.band(band).setNoDataValue(255) }
        return dataset
    }

    func cog(_ dataset: Dataset, _ name: String) throws -> Data {
        try dataset.copyAsCOG(to: directory.file(name), options: COGOptions(blockSize: 128, compression: .deflate, predictor: .horizontal,
                                                                           overviewResampling: .average, extra: ["LEVEL=1"]))
        return try Data(contentsOf: URL(fileURLWithPath: directory.file(name)))
    }

    /// Sides that halve exactly at every level (built here), and odd ones part way down or from
    /// the start (left to the COG driver: nothing is built).
    @Test(arguments: [(1024, 512, true), (520, 1000, true), (1032, 1000, false), (1001, 387, false), (129, 129, false)])
    func sameCOGAsGDAL(width: Int, height: Int, built: Bool) throws {
        let ours = try raster("ours-\(width).dat", width: width, height: height)
        let gdal = try raster("gdal-\(width).dat", width: width, height: height)
        try gdal.write(try ours.read(UInt8.self, window: .full(width: width, height: height)), window: .full(width: width, height: height))
        let factors = Dataset.cogOverviewFactors(width: width, height: height, blockSize: 128)
        #expect(!factors.isEmpty)
        #expect(try ours.buildAverageOverviews(factors: factors, noData: 255, rows: 16) == built)
        #expect(try ours.band(2).overviewCount == (built ? factors.count : 0))
        let expected = try cog(gdal, "gdal-\(width).tif")
        #expect(try cog(ours, "ours-\(width).tif") == expected, "\(width)x\(height): the COG differs from GDAL's")
        #expect(try Dataset.open(directory.file("gdal-\(width).tif")).band(1).overviewCount == factors.count)
    }

    @Test func factorsAreTheCOGDriversChoice() {
        #expect(Dataset.cogOverviewFactors(width: 8192, height: 8192, blockSize: 512) == [2, 4, 8, 16])
        #expect(Dataset.cogOverviewFactors(width: 512, height: 512, blockSize: 512) == [])
        #expect(Dataset.cogOverviewFactors(width: 1025, height: 20, blockSize: 512) == [2])
        #expect(Dataset.cogOverviewFactors(width: 1536, height: 10, blockSize: 512) == [2, 4])
        #expect(Dataset.cogOverviewFactors(width: 2500, height: 40_000, blockSize: 512) == [2, 4, 8, 16, 32, 64, 128])
    }

    @Test func aRasterOfOtherTypeIsRefused() throws {
        let dataset = try Dataset.create(directory.file("float.dat"), width: 64, height: 64, bandCount: 1, pixelType: .float32, driver: "ENVI")
        #expect(throws: RasterError.self) { try dataset.buildAverageOverviews(factors: [2, 4], noData: 255) }
    }
}
