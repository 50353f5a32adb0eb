/// The one place a scene's tiles are walked: hands them out in row-major order, cutting each from
/// the row reader only when it is asked for, so at most the tiles queued or running are held in
/// memory. Tells the caller each tile row's tiles as the row starts (for the stitcher's plan), then
/// each tile whose core has no valid pixel as it is reached (`skip`: the caller withdraws it), so a
/// row need not be read whole before its first tile goes out.
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
    /// with each row's tiles as the row starts; `skip` with each planned tile that has no data.
    public func next(plan: (Int, [Tile]) throws -> Void, skip: (Tile) throws -> Void) throws -> (Tile, TileInput)? {
        while true {
            while remaining.isEmpty {
                guard row < grid.rows - 1 else { return nil }
                row += 1
                try reader.load(tileRow: row)
                let tiles = grid.tiles(inRow: row)
                try plan(row, tiles)
                remaining = tiles.reversed()
            }
            let tile = remaining.removeLast()
            if try reader.coreHasData(tile) { return (tile, try reader.input(for: tile)) }
            skippedWithoutData += 1
            try skip(tile)
        }
    }
}
