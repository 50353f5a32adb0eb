import TestSupport
import Testing
import Raster

@Suite struct RoundTripTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// Writes a 2-band 37x23 raster of `T` (odd sizes cross GeoTIFF tile edges), reopens it and
    /// reads it back.
    func roundTrip<T: RasterScalar & Equatable>(_ type: T.Type, values make: (Int) -> T) throws {
        let path = directory.file("round-\(T.pixelType).tif")
        let width = 37, height = 23
        let values = (0..<(width * height * 2)).map(make)
        do {
            let dataset = try Dataset.create(path, width: width, height: height, bandCount: 2, pixelType: T.pixelType,
                                             options: GeoTIFFOptions(blockSize: 16, compression: .zstd))
            try dataset.write(values, window: .full(width: width, height: height))
        }
        let reopened = try Dataset.open(path)
        #expect(try reopened.band(1).pixelType == T.pixelType)
        #expect(try reopened.read(T.self, window: .full(width: width, height: height)) == values)
    }

    @Test func everyPixelTypeRoundTrips() throws {
        try roundTrip(UInt8.self) { UInt8($0 % 256) }
        try roundTrip(UInt16.self) { UInt16($0 * 37 % 65536) }
        try roundTrip(Int16.self) { Int16($0 * 37 % 65536 - 32768) }
        try roundTrip(UInt32.self) { UInt32($0) * 1_000_003 }
        try roundTrip(Int32.self) { Int32($0) * -1_000_003 }
        try roundTrip(Float.self) { Float($0) * 0.37 - 100 }
        try roundTrip(Double.self) { Double($0) * 1e-7 + 1e9 }
    }

    @Test func georeferencingAndBandMetadataSurviveReopen() throws {
        let path = directory.file("geo.tif")
        let crs = try CRS(epsg: 32631)
        let transform = GeoTransform.northUp(originX: 500_000.5, originY: 5_700_000.25, pixelWidth: 0.31, pixelHeight: 0.31)
        do {
            let dataset = try Dataset.create(path, width: 10, height: 8, bandCount: 2, pixelType: .uint16)
            try dataset.setCRS(crs)
            try dataset.setGeoTransform(transform)
            try dataset.band(1).setNoDataValue(0)
            // GeoTIFF keeps one nodata value for all bands.
            try dataset.band(2).setNoDataValue(0)
            try dataset.band(1).setName("Red")
            try dataset.band(2).setColorInterpretation(.green)
        }
        let reopened = try Dataset.open(path)
        #expect(try reopened.crs?.epsg == 32631)
        #expect(try reopened.crs?.isEquivalent(to: crs) == true)
        #expect(reopened.geoTransform == transform)
        #expect(try reopened.band(1).noDataValue == 0)
        #expect(try reopened.band(2).noDataValue == 0)
        #expect(try reopened.band(1).name == "Red")
        #expect(try reopened.band(2).colorInterpretation == .green)
        #expect(try reopened.band(1).blockSize.width == 256)
    }

    @Test func colourTableAndCOGWithOverviews() throws {
        let source = try Dataset.create("/vsimem/labels.tif", width: 600, height: 600, bandCount: 1, pixelType: .uint8)
        defer { deleteDataset("/vsimem/labels.tif") }
        try source.setCRS(CRS(epsg: 32631))
        try source.setGeoTransform(.northUp(originX: 0, originY: 600, pixelWidth: 1, pixelHeight: 1))
        try source.write((0..<360_000).map { UInt8($0 % 3) }, window: .full(width: 600, height: 600))
        // TIFF palettes carry no alpha: GDAL reads every entry back as opaque.
        let palette = [RGBA(0, 0, 0), RGBA(200, 60, 60), RGBA(20, 110, 30)]
        try source.band(1).setColorTable(palette)
        let cogPath = directory.file("labels.cog.tif")
        try source.copyAsCOG(to: cogPath, options: COGOptions(blockSize: 256, compression: .deflate, overviewResampling: .nearest))
        let cog = try Dataset.open(cogPath)
        let table = try cog.band(1).colorTable
        #expect(Array(table.prefix(3)) == palette, "colour table \(table.prefix(4))")
        #expect(try cog.band(1).overviewCount >= 1)
        #expect(try cog.band(1).blockSize.width == 256)
        #expect(try cog.crs?.epsg == 32631)
    }

    @Test func overviewsCanBeBuilt() throws {
        let path = directory.file("ovr.tif")
        let dataset = try Dataset.create(path, width: 64, height: 64, bandCount: 1, pixelType: .float32)
        try dataset.write([Float](repeating: 2, count: 64 * 64), window: .full(width: 64, height: 64))
        try dataset.buildOverviews(factors: [2, 4])
        #expect(try dataset.band(1).overviewSizes.map(\.width) == [32, 16])
    }
}
