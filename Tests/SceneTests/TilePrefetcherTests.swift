import TestSupport
import Foundation
import Testing
import Raster
import Scene

/// The reading thread hands out exactly what the feeder gives on the caller's thread, in order,
/// and stops promptly.
@Suite struct TilePrefetcherTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    func feeder(_ path: String) throws -> TileFeeder {
        let stack = try SceneStack(sources: [SceneSource(path: path)])
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: 32, overlap: 8)
        return TileFeeder(reader: try TileRowReader(stack: stack, grid: grid, padding: .reflect), grid: grid)
    }

    @Test func itemsComeInTheFeedersOrderWithTheSamePixels() throws {
        let path = directory.file("scene.tif")
        // Nodata in one corner, so that some tiles are skipped and rows differ.
        try TestScenes.write(path, width: 150, height: 110, bands: 2, noData: 0) { b, x, y in x < 40 && y < 40 ? 0 : UInt16(1 + b * 100 + x + 3 * y) }
        var expected: [String] = [], expectedValues: [[Float]] = []
        let direct = try feeder(path)
        while let (tile, input) = try direct.next(plan: { row, tiles in expected.append("row \(row): \(tiles.map(\.index))") }) {
            expected.append("tile \(tile.index)")
            expectedValues.append(input.values)
        }
        let prefetcher = TilePrefetcher(feeder: try feeder(path), capacity: 3)
        var got: [String] = [], values: [[Float]] = []
        while let item = try prefetcher.next() {
            switch item {
            case .row(let row, let tiles): got.append("row \(row): \(tiles.map(\.index))")
            case .tile(let tile, let input):
                got.append("tile \(tile.index)")
                values.append(input.values)
            }
        }
        #expect(got == expected)
        #expect(values.count == expectedValues.count && zip(values, expectedValues).allSatisfy { a, b in
            a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        })
        #expect(prefetcher.isExhausted && prefetcher.skippedWithoutData == direct.skippedWithoutData && direct.skippedWithoutData > 0)
        #expect(try prefetcher.next(waiting: false) == nil)
    }

    @Test func stopReturnsWhileTilesRemain() throws {
        let path = directory.file("big.tif")
        try TestScenes.write(path, width: 300, height: 300, bands: 1) { _, x, y in UInt16(x + y) }
        let prefetcher = TilePrefetcher(feeder: try feeder(path), capacity: 2)
        #expect(try prefetcher.next() != nil)
        prefetcher.stop()
        #expect(!prefetcher.isExhausted)
        // The reading thread is gone: the scene may be read here again.
        #expect(try SceneStack(sources: [SceneSource(path: path)]).read(window: PixelWindow(col: 0, row: 0, width: 4, height: 4)).count == 16)
    }
}
