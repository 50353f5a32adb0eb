import Raster

/// Receives finished rows of stitched output: `values` holds `classCount` planes of the window,
/// band-sequential, quantized probabilities with `ProbabilityQuantization.noData` where no valid
/// tile pixel covered the output.
public protocol StripSink: AnyObject {
    func write(window: PixelWindow, values: [UInt8]) throws
}

/// Blends overlapping tile outputs into seamless per-class rasters.
///
/// Each tile's quantized probabilities are weighted by the blending window (zero where the input
/// was invalid or padded) and summed in integers, then divided by the summed weights: so the
/// result does not depend on the order tiles arrive in, and invalid pixels come out as nodata.
/// Output is kept per strip (the cores of one tile row) and handed to the sink as soon as every
/// tile touching the strip is in, so memory is bounded by tiles in flight x scene width.
///
/// The caller plans each tile row (the tiles it will send; skipped tiles are left out) before or
/// while committing its tiles; a strip is finished when every tile row touching it is planned and
/// all of its planned tiles are committed.
public final class Stitcher {
    public let grid: TileGrid
    public let classCount: Int
    private let weights: [UInt32]
    private let sink: StripSink
    /// Where strips accumulate on disk (nil: in memory); see `DiskStripSums`.
    private let scratchDirectory: String?
    private var strips: [Int: StripSums] = [:]
    private var pending: [Int: Set<Int>] = [:]   // tile row -> planned tile indices not yet committed
    private var finishedStrips = Set<Int>()

    /// `finishedStrips`: strips already written by an earlier, interrupted run (resume); tiles add
    /// nothing to them. `scratchDirectory`: keep the sums of open strips in files there rather than
    /// in memory (a memory budget for any scene width; the same bytes come out).
    public init(grid: TileGrid, classCount: Int, window: BlendWindow, sink: StripSink, finishedStrips: Set<Int> = [],
                scratchDirectory: String? = nil) throws {
        // Sums must fit UInt32: weight <= 4096, value <= 254, at most (tileSize / step + 1)^2 tiles.
        let overlapping = (grid.tileSize / grid.step + 1) * (grid.tileSize / grid.step + 1)
        guard overlapping * Int(BlendWindow.weightScale) * 255 < Int(UInt32.max) else {
            throw SceneError(code: .invalidArgument, message: "overlap \(grid.overlap) is too large for tile size \(grid.tileSize): each pixel would be in \(overlapping) tiles (at most 4096)")
        }
        self.grid = grid
        self.classCount = classCount
        self.sink = sink
        self.finishedStrips = finishedStrips
        self.scratchDirectory = scratchDirectory
        weights = window.integerWeights(size: grid.tileSize, margin: grid.margin, step: grid.step)
    }

    /// True when every strip the tile touches is already written (its output is not needed).
    public func isSettled(_ tile: Tile) -> Bool {
        grid.strips(touchedByTileRow: tile.row).allSatisfy(finishedStrips.contains)
    }

    /// Withdraws a planned tile that will not be committed: quarantined after repeated failures, or
    /// settled on resume. Its strips are finished without it.
    public func withdraw(_ tile: Tile) throws {
        guard pending[tile.row]?.remove(tile.index) != nil else {
            throw SceneError(code: .duplicateTile, message: "tile \(tile.index) was not planned or is already committed")
        }
        try flushReadyStrips(touchedBy: tile.row)
    }

    /// Strips currently held in memory (for tests and memory reports).
    public var openStripCount: Int { strips.count }
    public var isComplete: Bool { finishedStrips.count == grid.rows }

    /// Declares the tiles of tile row `row` that will be committed.
    public func plan(tileRow row: Int, tiles: [Tile]) throws {
        guard pending[row] == nil else {
            throw SceneError(code: .duplicateTile, message: "tile row \(row) was planned twice")
        }
        pending[row] = Set(tiles.map(\.index))
        try flushReadyStrips(touchedBy: row)
    }

    /// Adds one tile's output: `probabilities` is `classCount * tileSize * tileSize` quantized
    /// values (band-sequential), `validity` is `tileSize * tileSize` (0 = no weight).
    public func commit(_ tile: Tile, probabilities: [UInt8], validity: [UInt8]) throws {
        let size = grid.tileSize
        guard probabilities.count == classCount * size * size, validity.count == size * size else {
            throw SceneError(code: .invalidArgument, message: "tile \(tile.index): \(probabilities.count) values for \(classCount) classes of \(size)x\(size)")
        }
        guard pending[tile.row]?.remove(tile.index) != nil else {
            throw SceneError(code: .duplicateTile, message: "tile \(tile.index) (row \(tile.row), col \(tile.col)) was not planned or is already committed")
        }
        try accumulate(tile, probabilities, validity)
        try flushReadyStrips(touchedBy: tile.row)
    }

    /// Checks that every strip was written.
    public func finish() throws {
        let missing = (0..<grid.rows).filter { pending[$0] == nil || !pending[$0]!.isEmpty }
        guard missing.isEmpty, isComplete else {
            throw SceneError(code: .incomplete, message: "stitching incomplete: tile rows \(missing.prefix(5).map(String.init).joined(separator: ", ")) not done")
        }
    }

    private func makeSums(_ strip: Int) throws -> StripSums {
        guard let scratchDirectory else { return StripAccumulator(rows: grid.stripRows(strip), width: grid.width, classCount: classCount) }
        return try DiskStripSums(path: "\(scratchDirectory)/strip-\(strip).sums", rows: grid.stripRows(strip), width: grid.width, classCount: classCount)
    }

    /// Rows written to the sink at once: about 16 MB of output, so a wide strip is not one array.
    private var outputChunkRows: Int { max(1, (16 << 20) / max(1, classCount * grid.width)) }

    private func accumulate(_ tile: Tile, _ probabilities: [UInt8], _ validity: [UInt8]) throws {
        let size = grid.tileSize, width = grid.width, plane = size * size
        let columns = max(0, -tile.window.col)..<min(size, width - tile.window.col)
        var ty = 0
        while ty < size {
            let y = tile.window.row + ty
            guard y >= 0 && y < grid.height else { ty += 1; continue }
            let strip = y / grid.step
            // The tile's rows in this strip, added at once.
            let count = min(size - ty, grid.stripRows(strip).upperBound - y, grid.height - y)
            defer { ty += count }
            guard !finishedStrips.contains(strip) else { continue }
            let accumulator = try strips[strip] ?? makeSums(strip)
            strips[strip] = accumulator
            try weights.withUnsafeBufferPointer { weights in
                try validity.withUnsafeBufferPointer { validity in
                    try probabilities.withUnsafeBufferPointer { values in
                        try accumulator.addRows(y - accumulator.rows.lowerBound, count: count, x0: tile.window.col, columns: columns,
                                                weights: weights.baseAddress! + ty * size, validity: validity.baseAddress! + ty * size,
                                                values: values.baseAddress! + ty * size, rowStride: size, classStride: plane)
                    }
                }
            }
        }
    }

    private func flushReadyStrips(touchedBy row: Int) throws {
        for strip in grid.strips(touchedByTileRow: row) where !finishedStrips.contains(strip) {
            let rows = grid.tileRows(touching: strip)
            guard rows.allSatisfy({ pending[$0]?.isEmpty == true }) else { continue }
            let accumulator = try strips.removeValue(forKey: strip) ?? makeSums(strip)
            defer { accumulator.discard() }
            // In chunks of rows; the last chunk ends the strip (a journal records it then).
            let count = accumulator.rows.count, chunk = outputChunkRows
            for first in stride(from: 0, to: count, by: chunk) {
                let local = first..<min(count, first + chunk)
                try sink.write(window: PixelWindow(col: 0, row: accumulator.rows.lowerBound + first, width: grid.width, height: local.count),
                               values: accumulator.result(rows: local))
            }
            finishedStrips.insert(strip)
        }
    }
}

/// Integer sums for the rows of one output strip: per class sum(weight * value), and sum(weight);
/// kept in memory (`StripAccumulator`) or in a file (`DiskStripSums`), with the same results.
protocol StripSums: AnyObject {
    var rows: Range<Int> { get }
    /// Adds `count` consecutive tile rows from strip row `row` on: tile columns `columns` land on
    /// scene columns `x0 + column`; `weights`, `validity` and `values` point at the first row (in
    /// class 0's plane, the next class `classStride` further), the next row `rowStride` further.
    func addRows(_ row: Int, count: Int, x0: Int, columns: Range<Int>, weights: UnsafePointer<UInt32>, validity: UnsafePointer<UInt8>,
                 values: UnsafePointer<UInt8>, rowStride: Int, classStride: Int) throws
    /// Weighted means of strip rows `rows` (0-based in the strip), class-major, rounded to the
    /// nearest integer; nodata where nothing had weight.
    func result(rows: Range<Int>) throws -> [UInt8]
    /// Frees what the sums hold (memory or file).
    func discard()
}

/// The weighted mean of one pixel's sums, as both kinds of sums compute it.
@inline(__always)
func blendedValue(_ sum: UInt32, total: UInt32) -> UInt8 { UInt8((sum + total / 2) / total) }

/// Strip sums in memory. Rows are allocated when a tile first reaches them, so a strip that the
/// current tile row only grazes costs only the rows it grazes.
final class StripAccumulator: StripSums {
    let rows: Range<Int>
    let width: Int
    let classCount: Int
    /// Per row: class-major sums (`classCount * width`), then the weight sums (`width`).
    private var rowSums: [[UInt32]?]

    init(rows: Range<Int>, width: Int, classCount: Int) {
        self.rows = rows
        self.width = width
        self.classCount = classCount
        rowSums = [[UInt32]?](repeating: nil, count: rows.count)
    }

    func addRows(_ row: Int, count: Int, x0: Int, columns: Range<Int>, weights: UnsafePointer<UInt32>, validity: UnsafePointer<UInt8>,
                 values: UnsafePointer<UInt8>, rowStride: Int, classStride: Int) {
        for i in 0..<count {
            addRow(row + i, x0: x0, columns: columns, weights: weights + i * rowStride, validity: validity + i * rowStride,
                   values: values + i * rowStride, classStride: classStride)
        }
    }

    private func addRow(_ row: Int, x0: Int, columns: Range<Int>, weights: UnsafePointer<UInt32>, validity: UnsafePointer<UInt8>,
                        values: UnsafePointer<UInt8>, classStride: Int) {
        if rowSums[row] == nil { rowSums[row] = [UInt32](repeating: 0, count: (classCount + 1) * width) }
        let width = width, classCount = classCount
        rowSums[row]!.withUnsafeMutableBufferPointer { sums in
            let weightSums = sums.baseAddress! + classCount * width
            for t in columns where validity[t] != 0 && weights[t] > 0 {
                let weight = weights[t], x = x0 + t
                weightSums[x] += weight
                for c in 0..<classCount { sums[c * width + x] += weight * UInt32(values[c * classStride + t]) }
            }
        }
    }

    func result(rows local: Range<Int>) -> [UInt8] {
        let plane = local.count * width
        var out = [UInt8](repeating: ProbabilityQuantization.noData, count: classCount * plane)
        for r in local {
            guard let row = rowSums[r] else { continue }
            let o = r - local.lowerBound
            for x in 0..<width {
                let total = row[classCount * width + x]
                guard total > 0 else { continue }
                for c in 0..<classCount {
                    out[c * plane + o * width + x] = blendedValue(row[c * width + x], total: total)
                }
            }
        }
        return out
    }

    func discard() { rowSums = [] }
}

/// Keeps stitched output in memory: the in-memory twin of the GDAL writer, for tests.
public final class MemoryStripSink: StripSink {
    public let width: Int
    public let height: Int
    public let classCount: Int
    public private(set) var values: [UInt8]
    public private(set) var writtenRows = 0

    public init(width: Int, height: Int, classCount: Int) {
        self.width = width
        self.height = height
        self.classCount = classCount
        values = [UInt8](repeating: 0, count: classCount * width * height)
    }

    public func write(window: PixelWindow, values strip: [UInt8]) throws {
        let plane = window.pixelCount
        for c in 0..<classCount {
            for r in 0..<window.height {
                let target = (c * height + window.row + r) * width
                let source = c * plane + r * width
                values.replaceSubrange(target..<target + width, with: strip[source..<source + width])
            }
        }
        writtenRows += window.height
    }
}
