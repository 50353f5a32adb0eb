/// The one place a scene's tiles are walked: hands them out in row-major order, cutting each from
/// the row reader only when it is asked for, so at most the tiles queued or running are held in
/// memory. Tells the caller each tile row's tiles as the row is loaded (for the stitcher's plan);
/// tiles whose core has no valid pixel are left out and counted.
public final class TileFeeder {
    private let reader: TileRowReader
    private let grid: TileGrid
    private var row = -1
    private var remaining: [Tile] = []
    public private(set) var skippedWithoutData = 0

    public init(reader: TileRowReader, grid: TileGrid) {
        self.reader = reader
        self.grid = grid
    }

    public var isExhausted: Bool { remaining.isEmpty && row >= grid.rows - 1 }

    /// The next tile with data and its raw input; nil when every row is done. `plan` is called
    /// with each row's tiles as the row is loaded.
    public func next(plan: (Int, [Tile]) throws -> Void) throws -> (Tile, TileInput)? {
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
