import Testing
import Raster

@Suite struct WindowTests {
    /// A 10x7 UInt16 raster in memory whose value at (col, row) is row * 100 + col.
    func makeRaster() throws -> Dataset {
        let dataset = try Dataset.create("/vsimem/window-\(UInt64.random(in: 0...UInt64.max)).tif", width: 10, height: 7,
                                         bandCount: 2, pixelType: .uint16)
        var values: [UInt16] = []
        for band in 0..<2 {
            for row in 0..<7 {
                for col in 0..<10 { values.append(UInt16(band * 1000 + row * 100 + col)) }
            }
        }
        try dataset.write(values, window: .full(width: 10, height: 7))
        return dataset
    }

    @Test func windowsAtEdgesAndCorners() throws {
        let dataset = try makeRaster()
        defer { deleteDataset(dataset.path) }
        let corner = try dataset.read(UInt16.self, bands: [2], window: PixelWindow(col: 8, row: 5, width: 2, height: 2))
        #expect(corner == [1508, 1509, 1608, 1609])
        let lastColumn = try dataset.read(UInt16.self, bands: [1], window: PixelWindow(col: 9, row: 0, width: 1, height: 7))
        let expectedColumn: [UInt16] = (0..<7).map { UInt16($0 * 100 + 9) }
        #expect(lastColumn == expectedColumn)
        let bandOrder = try dataset.read(Int32.self, bands: [2, 1], window: PixelWindow(col: 0, row: 0, width: 1, height: 1))
        #expect(bandOrder == [1000, 0])
    }

    @Test func windowsOutsideTheRasterAreRejected() throws {
        let dataset = try makeRaster()
        defer { deleteDataset(dataset.path) }
        for window in [PixelWindow(col: 9, row: 0, width: 2, height: 1), PixelWindow(col: -1, row: 0, width: 2, height: 2),
                       PixelWindow(col: 0, row: 7, width: 1, height: 1), PixelWindow(col: 0, row: 0, width: 0, height: 3)] {
            let error = #expect(throws: RasterError.self) { try dataset.read(UInt16.self, window: window) }
            #expect(error?.code == .windowOutOfBounds)
            #expect(error?.description.contains("\(window)") == true)
        }
        #expect(throws: RasterError.self) { try dataset.read(UInt16.self, bands: [3], window: .full(width: 1, height: 1)) }
    }

    @Test func clippingAPartialWindow() {
        let window = PixelWindow(col: 8, row: -2, width: 5, height: 5).clipped(width: 10, height: 7)
        #expect(window == PixelWindow(col: 8, row: 0, width: 2, height: 3))
        #expect(PixelWindow(col: 20, row: 0, width: 5, height: 5).clipped(width: 10, height: 7).isEmpty)
    }

    @Test func resampledReads() throws {
        let dataset = try makeRaster()
        defer { deleteDataset(dataset.path) }
        // 2x2 averaging of a linear ramp gives the mean of each block.
        let halved = try dataset.read(Float.self, bands: [1], window: PixelWindow(col: 0, row: 0, width: 4, height: 2),
                                      outputWidth: 2, outputHeight: 1, resampling: .average)
        // GDAL rounds averages of integer bands; allow half a unit.
        #expect(halved.count == 2 && abs(halved[0] - 50.5) <= 0.5 && abs(halved[1] - 52.5) <= 0.5)
        let doubled = try dataset.read(UInt16.self, bands: [1], window: PixelWindow(col: 0, row: 0, width: 2, height: 1),
                                       outputWidth: 4, outputHeight: 2, resampling: .nearest)
        #expect(doubled == [0, 0, 1, 1, 0, 0, 1, 1])
    }

    @Test func writeBufferSizeMustMatch() throws {
        let dataset = try makeRaster()
        defer { deleteDataset(dataset.path) }
        let error = #expect(throws: RasterError.self) { try dataset.write([UInt16](repeating: 0, count: 3), window: .full(width: 2, height: 2)) }
        #expect(error?.code == .invalidArgument)
    }
}
