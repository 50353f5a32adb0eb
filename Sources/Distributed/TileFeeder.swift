import Scene

/// Hands out the scene's tiles in row-major order, cutting each from the row reader only when it
/// is asked for, so at most the tiles queued or running are held in memory. Plans each tile row in
/// the stitcher when it is loaded (tiles without data are left out).
final class TileFeeder {
    private let reader: TileRowReader
    private let grid: TileGrid
    private var row = -1
    private var remaining: [Tile] = []
    private(set) var skippedWithoutData = 0

    init(reader: TileRowReader, grid: TileGrid) {
        self.reader = reader
        self.grid = grid
    }

    var isExhausted: Bool { remaining.isEmpty && row >= grid.rows - 1 }

    /// The next tile with data and its raw input; nil when every row is done. `plan` is called
    /// with each row's tiles as the row is loaded.
    func next(plan: (Int, [Tile]) throws -> Void) throws -> (Tile, TileInput)? {
        while remaining.isEmpty {
            guard row < grid.rows - 1 else { return nil }
            row += 1
            try reader.load(tileRow: row)
            let tiles = grid.tiles(inRow: row).filter(reader.coreHasData)
            skippedWithoutData += grid.columns - tiles.count
            try plan(row, tiles)
            remaining = tiles.reversed()
        }
        let tile = remaining.removeLast()
        return (tile, reader.input(for: tile))
    }
}
