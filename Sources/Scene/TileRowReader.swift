import Raster

/// Reads a scene stack one tile row at a time and cuts the row's tiles from memory: each scene row
/// is read from GDAL once per block, however much tiles overlap.
///
/// It holds the rows of one tile row (all bands, Float32) for a block of `blockTileColumns` tile
/// columns. With one block spanning the scene (the default), rows shared by consecutive tile rows
/// are kept, so every scene row is read once; memory is then tile size x scene width. A smaller
/// block (`maxBufferBytes`) bounds memory for any width at the cost of re-reading the overlap
/// between blocks and between tile rows. With one tile column per block it reads exactly one
/// tile's window: that is how a worker reading the scene itself (shared storage) and a retried
/// tile get their pixels, through this same code, so the bytes do not depend on who cuts a tile.
///
/// Tiles come out raw (stack values, NaN where there is no data or zero padding); the model side
/// normalizes them with `Normalization.prepare`, in this process or on a worker, the same way.
public final class TileRowReader {
    public let stack: SceneStack
    public let grid: TileGrid
    public let padding: PaddingMode
    /// Tile columns whose scene columns are held at once.
    public let blockTileColumns: Int

    /// Scene rows and columns held; `values[(band * rowCapacity + r) * cols.count + x]` for scene
    /// row `rows.lowerBound + r` and column `cols.lowerBound + x`; `valid[r * cols.count + x]`.
    private var rows: Range<Int> = 0..<0
    private var cols: Range<Int> = 0..<0
    private var tileRow = -1
    private var values: [Float] = []
    private var valid: [UInt8] = []
    private let rowCapacity: Int

    /// `maxBufferBytes`: the most the row buffer may hold (nil: the whole width). At least one tile
    /// column is always held.
    public init(stack: SceneStack, grid: TileGrid, padding: PaddingMode, maxBufferBytes: Int? = nil) throws {
        guard grid.width == stack.grid.width, grid.height == stack.grid.height else {
            throw SceneError(code: .invalidArgument, message: "tile grid \(grid.width)x\(grid.height) does not match the scene \(stack.grid.width)x\(stack.grid.height)")
        }
        self.stack = stack
        self.grid = grid
        self.padding = padding
        rowCapacity = min(grid.tileSize, grid.height)
        var columns = grid.columns
        if let maxBufferBytes {
            columns = 1
            while columns < grid.columns
                    && TileRowReader.bufferBytes(grid: grid, bands: stack.bandCount, blockTileColumns: columns + 1) <= maxBufferBytes {
                columns += 1
            }
        }
        blockTileColumns = columns
    }

    /// Bytes the buffers take for blocks of `blockTileColumns` tile columns (values and validity).
    public static func bufferBytes(grid: TileGrid, bands: Int, blockTileColumns: Int) -> Int {
        let rows = min(grid.tileSize, grid.height)
        let columns = min(grid.width, (blockTileColumns - 1) * grid.step + grid.tileSize)
        return rows * columns * (bands * MemoryLayout<Float>.size + 1)
    }

    /// The scene rows tile row `row` copies from: its rows inside the scene plus those its padding
    /// mirrors (at the bottom edge a reflection reaches above the tile's own first scene row).
    func neededRows(ofTileRow row: Int) -> Range<Int> {
        let top = row * grid.step - grid.margin
        return TileRowReader.sources(top..<top + grid.tileSize, size: grid.height, padding: padding)
    }

    /// The scene columns the tiles of block `block` copy from.
    func neededColumns(ofBlock block: Int) -> Range<Int> {
        let first = block * blockTileColumns, last = min(grid.columns, first + blockTileColumns) - 1
        let left = first * grid.step - grid.margin, right = last * grid.step - grid.margin + grid.tileSize
        return TileRowReader.sources(left..<right, size: grid.width, padding: padding)
    }

    private static func sources(_ range: Range<Int>, size: Int, padding: PaddingMode) -> Range<Int> {
        let sources = range.compactMap { padding.source($0, size: size) }
        // Zero padding of a tile wholly outside the scene cannot happen (tiles start inside it).
        return sources.min()!..<(sources.max()! + 1)
    }

    /// Makes tile row `row` current; its rows are read when a tile of a block asks for them.
    public func load(tileRow row: Int) throws {
        tileRow = row
        if blockTileColumns == grid.columns { try ensure(block: 0) }
    }

    /// Makes the rows and columns of `block` in the current tile row available, keeping rows
    /// already held when the block's columns are the ones held.
    private func ensure(block: Int) throws {
        precondition(tileRow >= 0, "no tile row loaded")
        let wanted = neededRows(ofTileRow: tileRow), wantedCols = neededColumns(ofBlock: block)
        if wanted == rows && wantedCols == cols { return }
        precondition(wanted.count <= rowCapacity, "tile row \(tileRow) needs \(wanted.count) rows, more than \(rowCapacity)")
        let width = wantedCols.count, bands = stack.bandCount
        let lower = max(wanted.lowerBound, rows.lowerBound), upper = min(wanted.upperBound, rows.upperBound)
        var kept = lower < upper ? lower..<upper : 0..<0
        // Moving backwards or to other columns: read afresh.
        if wanted.lowerBound < rows.lowerBound || wantedCols != cols { kept = 0..<0 }
        if values.count < bands * rowCapacity * width {
            values = [Float](repeating: .nan, count: bands * rowCapacity * width)
            valid = [UInt8](repeating: 0, count: rowCapacity * width)
        }
        if !kept.isEmpty && kept.lowerBound > rows.lowerBound {
            let shift = kept.lowerBound - rows.lowerBound
            values.withUnsafeMutableBufferPointer { buffer in
                for band in 0..<bands {
                    let base = buffer.baseAddress! + band * rowCapacity * width
                    base.update(from: base + shift * width, count: kept.count * width)
                }
            }
            valid.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.update(from: buffer.baseAddress! + shift * width, count: kept.count * width)
            }
        }
        let fresh = kept.isEmpty ? wanted : kept.upperBound..<wanted.upperBound
        rows = 0..<0  // invalid until the read succeeds
        if !fresh.isEmpty {
            let offset = fresh.lowerBound - wanted.lowerBound
            let window = PixelWindow(col: wantedCols.lowerBound, row: fresh.lowerBound, width: width, height: fresh.count)
            // Straight into the row buffer: no scene-wide temporary arrays.
            try values.withUnsafeMutableBufferPointer { buffer in
                try stack.read(window: window, into: UnsafeMutableBufferPointer(rebasing: buffer[(offset * width)...]), bandStride: rowCapacity * width)
            }
            // A pixel is valid when no band is NaN there: one sequential pass per band (this runs
            // over every pixel read; pixel by pixel across the band planes it cost as much as the cut).
            let plane = rowCapacity * width, first = offset * width, count = fresh.count * width
            values.withUnsafeBufferPointer { buffer in
                valid.withUnsafeMutableBufferPointer { valid in
                    let flags = valid.baseAddress! + first
                    flags.update(repeating: 1, count: count)
                    for band in 0..<bands {
                        let band = buffer.baseAddress! + band * plane + first
                        for i in 0..<count where band[i].isNaN { flags[i] = 0 }
                    }
                }
            }
        }
        rows = wanted
        cols = wantedCols
    }

    /// The raw, padded input of `tile` (NaN where there is no data), in the current tile row.
    public func input(for tile: Tile) throws -> TileInput {
        precondition(tile.row == tileRow, "tile row \(tile.row) is not loaded")
        try ensure(block: tile.col / blockTileColumns)
        let size = grid.tileSize, sceneWidth = grid.width, height = grid.height, bands = stack.bandCount
        let width = cols.count, x0 = cols.lowerBound, plane = rowCapacity * width
        var validity = [UInt8](repeating: 0, count: size * size)
        // Held column of each tile column (-1: zero padding), and whether it is inside the scene.
        let columns = (0..<size).map { tx in padding.source(tile.window.col + tx, size: sceneWidth).map { $0 - x0 } ?? -1 }
        let inSceneColumns = max(0, -tile.window.col)..<min(size, sceneWidth - tile.window.col)
        // Columns held side by side (a tile off the left and right edges): rows are block copies.
        let contiguous = columns[0] >= 0 && columns.indices.allSatisfy { columns[$0] == columns[0] + $0 }
        // Every value is written below (copied, or NaN for nodata and zero padding: 0 once normalized).
        let out = [Float](unsafeUninitializedCapacity: bands * size * size) { target, initialized in
            values.withUnsafeBufferPointer { source in
                valid.withUnsafeBufferPointer { sourceValid in
                    validity.withUnsafeMutableBufferPointer { targetValid in
                        for ty in 0..<size {
                            let sceneY = tile.window.row + ty
                            guard let sourceY = padding.source(sceneY, size: height) else {
                                for band in 0..<bands { (target.baseAddress! + (band * size + ty) * size).initialize(repeating: .nan, count: size) }
                                continue
                            }
                            let r = sourceY - rows.lowerBound
                            let validRow = sourceValid.baseAddress! + r * width
                            if sceneY >= 0 && sceneY < height {
                                for tx in inSceneColumns { targetValid[ty * size + tx] = validRow[columns[tx]] }
                            }
                            let allValid = contiguous && (0..<size).allSatisfy { validRow[columns[0] + $0] == 1 }
                            for band in 0..<bands {
                                let row = source.baseAddress! + band * plane + r * width
                                let into = target.baseAddress! + (band * size + ty) * size
                                if allValid {
                                    into.initialize(from: row + columns[0], count: size)
                                    continue
                                }
                                for tx in 0..<size {
                                    let x = columns[tx]
                                    into[tx] = x >= 0 && validRow[x] == 1 ? row[x] : .nan
                                }
                            }
                        }
                    }
                }
            }
            initialized = bands * size * size
        }
        return TileInput(tile: tile, bandCount: bands, size: size, values: out, validity: validity)
    }

    /// True when the tile's core holds at least one valid pixel (tiles without are skipped).
    public func coreHasData(_ tile: Tile) throws -> Bool {
        precondition(tile.row == tileRow, "tile row \(tile.row) is not loaded")
        try ensure(block: tile.col / blockTileColumns)
        let width = cols.count
        for y in tile.core.row..<(tile.core.row + tile.core.height) {
            let r = y - rows.lowerBound
            for x in tile.core.col..<(tile.core.col + tile.core.width) where valid[r * width + x - cols.lowerBound] == 1 { return true }
        }
        return false
    }

    /// Reads one tile on its own (its window only, through the same cutting as a tile row): the
    /// pixels of a shared-storage worker and of a retried tile.
    public static func readTile(_ tile: Tile, stack: SceneStack, grid: TileGrid, padding: PaddingMode) throws -> (input: TileInput, coreHasData: Bool) {
        let reader = try TileRowReader(stack: stack, grid: grid, padding: padding, maxBufferBytes: 0)
        try reader.load(tileRow: tile.row)
        return (try reader.input(for: tile), try reader.coreHasData(tile))
    }
}
