import Raster

/// One square tile of a scene.
public struct Tile: Hashable, Sendable, Codable {
    /// Position in the grid, row-major: `index = row * columns + col`.
    public let index: Int
    public let row: Int
    public let col: Int
    /// The tile's full window on the scene grid. It may reach past the scene's edges: those pixels
    /// are padded (see `PaddingMode`) and never written.
    public let window: PixelWindow
    /// The part of the scene this tile alone is responsible for (the centre of its window, clipped
    /// to the scene). Cores partition the scene: every pixel lies in exactly one.
    public let core: PixelWindow

    public init(index: Int, row: Int, col: Int, window: PixelWindow, core: PixelWindow) {
        self.index = index
        self.row = row
        self.col = col
        self.window = window
        self.core = core
    }
}

/// Square tiles with overlap covering every pixel of a `width` x `height` scene.
///
/// Tiles step by `step = tileSize - overlap` and start `margin = overlap / 2` pixels before their
/// core, so the scene's border lies inside a tile, not on its edge (where CNN outputs are worst):
/// tile (row, col) covers rows [row * step - margin, row * step - margin + tileSize). There are
/// ceil(height / step) x ceil(width / step) tiles. Pure and deterministic.
public struct TileGrid: Hashable, Sendable, Codable {
    public let width: Int
    public let height: Int
    public let tileSize: Int
    public let overlap: Int

    public init(width: Int, height: Int, tileSize: Int, overlap: Int) throws {
        guard width > 0, height > 0 else {
            throw SceneError(code: .invalidArgument, message: "cannot tile an empty scene of \(width)x\(height) pixels")
        }
        guard tileSize > 0, overlap >= 0, overlap < tileSize else {
            throw SceneError(code: .invalidArgument, message: "tile size \(tileSize) and overlap \(overlap): need 0 <= overlap < tile size")
        }
        self.width = width
        self.height = height
        self.tileSize = tileSize
        self.overlap = overlap
    }

    public var step: Int { tileSize - overlap }
    public var margin: Int { overlap / 2 }
    public var columns: Int { (width + step - 1) / step }
    public var rows: Int { (height + step - 1) / step }
    public var count: Int { rows * columns }

    public func tile(row: Int, col: Int) -> Tile {
        let window = PixelWindow(col: col * step - margin, row: row * step - margin, width: tileSize, height: tileSize)
        let core = PixelWindow(col: col * step, row: row * step, width: step, height: step).clipped(width: width, height: height)
        return Tile(index: row * columns + col, row: row, col: col, window: window, core: core)
    }

    public func tile(index: Int) -> Tile { tile(row: index / columns, col: index % columns) }

    public func tiles(inRow row: Int) -> [Tile] { (0..<columns).map { tile(row: row, col: $0) } }

    public var tiles: [Tile] { (0..<rows).flatMap { tiles(inRow: $0) } }

    /// Scene rows that tile row `row` reads, clipped to the scene.
    public func sceneRows(ofTileRow row: Int) -> Range<Int> {
        let top = row * step - margin
        return max(0, top)..<min(height, top + tileSize)
    }

    /// The core rows of output strip `strip` (strips are the cores of one tile row).
    public func stripRows(_ strip: Int) -> Range<Int> { (strip * step)..<min(height, (strip + 1) * step) }

    /// The output strips that tile row `row` contributes to.
    public func strips(touchedByTileRow row: Int) -> ClosedRange<Int> {
        let rows = sceneRows(ofTileRow: row)
        return (rows.lowerBound / step)...((rows.upperBound - 1) / step)
    }

    /// The tile rows that contribute to output strip `strip`.
    public func tileRows(touching strip: Int) -> ClosedRange<Int> {
        let rows = stripRows(strip)
        // Tile row r reads [r*step - margin, r*step - margin + tileSize).
        let first = max(0, (rows.lowerBound + margin - tileSize) / step)
        var lower = first
        while lower < self.rows && sceneRows(ofTileRow: lower).upperBound <= rows.lowerBound { lower += 1 }
        var upper = lower
        while upper + 1 < self.rows && sceneRows(ofTileRow: upper + 1).lowerBound < rows.upperBound { upper += 1 }
        return lower...upper
    }
}
