import Testing
import Raster
import Scene

@Suite struct TileGridTests {
    /// Cores partition the scene and every tile reaches past its core by the margin, for sizes
    /// that are not multiples of the step, smaller than a tile, and one-pixel strips.
    @Test(arguments: [(1, 1, 16, 0), (1, 300, 32, 8), (300, 1, 32, 8), (10, 7, 64, 16), (100, 100, 32, 16),
                      (257, 191, 64, 20), (1000, 999, 256, 64), (64, 64, 64, 0)])
    func coresPartitionTheScene(width: Int, height: Int, tileSize: Int, overlap: Int) throws {
        let grid = try TileGrid(width: width, height: height, tileSize: tileSize, overlap: overlap)
        var hits = [Int](repeating: 0, count: width * height)
        for tile in grid.tiles {
            #expect(tile.window.width == tileSize && tile.window.height == tileSize)
            #expect(tile.window.col == tile.core.col - grid.margin && tile.window.row == tile.core.row - grid.margin)
            #expect(!tile.core.isEmpty)
            for y in tile.core.row..<(tile.core.row + tile.core.height) {
                for x in tile.core.col..<(tile.core.col + tile.core.width) { hits[y * width + x] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
        #expect(grid.tiles.map(\.index) == Array(0..<grid.count))
        // Strips and the tile rows that touch them agree both ways.
        for row in 0..<grid.rows {
            for strip in grid.strips(touchedByTileRow: row) { #expect(grid.tileRows(touching: strip).contains(row)) }
        }
        for strip in 0..<grid.rows {
            for row in grid.tileRows(touching: strip) { #expect(grid.strips(touchedByTileRow: row).contains(strip)) }
        }
    }

    @Test func badGridsAreRejected() {
        #expect(throws: SceneError.self) { try TileGrid(width: 0, height: 5, tileSize: 16, overlap: 0) }
        #expect(throws: SceneError.self) { try TileGrid(width: 5, height: 5, tileSize: 16, overlap: 16) }
    }

    @Test func paddingModes() {
        #expect((-3...5).map { PaddingMode.reflect.source($0, size: 3)! } == [1, 2, 1, 0, 1, 2, 1, 0, 1])
        #expect((-2...3).map { PaddingMode.edge.source($0, size: 2)! } == [0, 0, 0, 1, 1, 1])
        #expect(PaddingMode.zero.source(-1, size: 4) == nil && PaddingMode.zero.source(3, size: 4) == 3)
        #expect(PaddingMode.reflect.source(-7, size: 1) == 0)
    }

    @Test(arguments: BlendWindow.allCases)
    func windowsAreSymmetricAndPositiveInTheCore(window: BlendWindow) {
        let w = window.weights(size: 64, margin: 8, step: 48)
        #expect(zip(w, w.reversed()).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(w[8..<56].allSatisfy { $0 > 0 })
        #expect(w.max()! <= 1)
    }
}
