import Raster

/// Reads a scene stack one tile row at a time and cuts the row's tiles from memory: each scene row
/// is read from GDAL once, however much tiles overlap. Holds at most `tileSize` rows of the scene
/// (all bands, Float32), so memory depends on the tile size and the scene's width, not its area.
///
/// Tiles come out raw (stack values, NaN where there is no data or zero padding); the model side
/// normalizes them with `Normalization.prepare`, in this process or on a worker, the same way.
public final class TileRowReader {
    public let stack: SceneStack
    public let grid: TileGrid
    public let padding: PaddingMode

    /// Scene rows currently held, and the buffers: `values[(band * capacity + r) * width + x]` for
    /// scene row `rows.lowerBound + r`; `valid[r * width + x]`.
    private var rows: Range<Int> = 0..<0
    private var values: [Float]
    private var valid: [UInt8]
    private let capacity: Int

    public init(stack: SceneStack, grid: TileGrid, padding: PaddingMode) throws {
        guard grid.width == stack.grid.width, grid.height == stack.grid.height else {
            throw SceneError(code: .invalidArgument, message: "tile grid \(grid.width)x\(grid.height) does not match the scene \(stack.grid.width)x\(stack.grid.height)")
        }
        self.stack = stack
        self.grid = grid
        self.padding = padding
        capacity = min(grid.tileSize, grid.height)
        values = [Float](repeating: .nan, count: stack.bandCount * capacity * grid.width)
        valid = [UInt8](repeating: 0, count: capacity * grid.width)
    }

    /// The scene rows tile row `row` copies from: its rows inside the scene plus those its padding
    /// mirrors (at the bottom edge a reflection reaches above the tile's own first scene row).
    func neededRows(ofTileRow row: Int) -> Range<Int> {
        let top = row * grid.step - grid.margin
        let sources = (top..<top + grid.tileSize).compactMap { padding.source($0, size: grid.height) }
        return sources.min()!..<(sources.max()! + 1)
    }

    /// Makes the rows of tile row `row` available, reading only those not already held.
    public func load(tileRow row: Int) throws {
        let wanted = neededRows(ofTileRow: row)
        var kept = max(wanted.lowerBound, rows.lowerBound)..<min(wanted.upperBound, rows.upperBound)
        if wanted.lowerBound < rows.lowerBound { kept = 0..<0 }  // moving backwards: read afresh
        precondition(wanted.count <= capacity, "tile row \(row) needs \(wanted.count) rows, more than \(capacity)")
        let width = grid.width, bands = stack.bandCount
        if !kept.isEmpty && kept.lowerBound > rows.lowerBound {
            let shift = kept.lowerBound - rows.lowerBound
            values.withUnsafeMutableBufferPointer { buffer in
                for band in 0..<bands {
                    let base = buffer.baseAddress! + band * capacity * width
                    base.update(from: base + shift * width, count: kept.count * width)
                }
            }
            valid.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.update(from: buffer.baseAddress! + shift * width, count: kept.count * width)
            }
        }
        let fresh = kept.isEmpty ? wanted : kept.upperBound..<wanted.upperBound
        if !fresh.isEmpty {
            let offset = fresh.lowerBound - wanted.lowerBound
            let window = PixelWindow(col: 0, row: fresh.lowerBound, width: width, height: fresh.count)
            // Straight into the row buffer: no scene-wide temporary arrays.
            try values.withUnsafeMutableBufferPointer { buffer in
                try stack.read(window: window, into: UnsafeMutableBufferPointer(rebasing: buffer[(offset * width)...]), bandStride: capacity * width)
            }
            // Band by band (sequential memory): a pixel is valid unless some band is NaN there.
            values.withUnsafeBufferPointer { buffer in
                valid.withUnsafeMutableBufferPointer { valid in
                    let range = offset * width..<(offset + fresh.count) * width
                    for i in range { valid[i] = 1 }
                    for band in 0..<bands {
                        let plane = buffer.baseAddress! + band * capacity * width
                        for i in range where plane[i].isNaN { valid[i] = 0 }
                    }
                }
            }
        }
        rows = wanted
    }

    /// The raw, padded input of `tile` (NaN where there is no data), whose row must be loaded.
    public func input(for tile: Tile) -> TileInput {
        precondition(neededRows(ofTileRow: tile.row) == rows, "tile row \(tile.row) is not loaded")
        let size = grid.tileSize, width = grid.width, height = grid.height, bands = stack.bandCount
        var out = [Float](repeating: .nan, count: bands * size * size)
        var validity = [UInt8](repeating: 0, count: size * size)
        // Source column of each tile column (-1: zero padding), and whether it is inside the scene.
        let columns = (0..<size).map { padding.source(tile.window.col + $0, size: width) ?? -1 }
        let inSceneColumns = max(0, -tile.window.col)..<min(size, width - tile.window.col)
        // Most tiles lie inside the scene: their rows are contiguous copies unless a pixel is invalid.
        let contiguous = tile.window.col >= 0 && tile.window.col + size <= width
        values.withUnsafeBufferPointer { source in
            valid.withUnsafeBufferPointer { sourceValid in
                out.withUnsafeMutableBufferPointer { target in
                    validity.withUnsafeMutableBufferPointer { targetValid in
                        for ty in 0..<size {
                            let sceneY = tile.window.row + ty
                            guard let sourceY = padding.source(sceneY, size: height) else { continue }
                            let r = sourceY - rows.lowerBound
                            let validRow = sourceValid.baseAddress! + r * width
                            if sceneY >= 0 && sceneY < height {
                                for tx in inSceneColumns { targetValid[ty * size + tx] = validRow[columns[tx]] }
                            }
                            if contiguous && !(0..<size).contains(where: { validRow[tile.window.col + $0] != 1 }) {
                                for band in 0..<bands {
                                    let row = source.baseAddress! + (band * capacity + r) * width + tile.window.col
                                    (target.baseAddress! + (band * size + ty) * size).update(from: row, count: size)
                                }
                                continue
                            }
                            for band in 0..<bands {
                                let row = source.baseAddress! + (band * capacity + r) * width
                                let into = target.baseAddress! + (band * size + ty) * size
                                for tx in 0..<size {
                                    let x = columns[tx]
                                    // Nodata and zero padding stay NaN (0 once normalized).
                                    if x >= 0 && validRow[x] == 1 { into[tx] = row[x] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return TileInput(tile: tile, bandCount: bands, size: size, values: out, validity: validity)
    }

    /// True when the tile's core holds at least one valid pixel (tiles without are skipped).
    public func coreHasData(_ tile: Tile) -> Bool {
        let width = grid.width
        for y in tile.core.row..<(tile.core.row + tile.core.height) {
            let r = y - rows.lowerBound
            for x in tile.core.col..<(tile.core.col + tile.core.width) where valid[r * width + x] == 1 { return true }
        }
        return false
    }
}
