import Dispatch
import Raster

/// A source put on the reference grid without GDAL's warper, for the common case where the warp
/// is a pure scale and shift: same CRS, north-up, no nodata or mask, nearest at any ratio, or
/// bilinear/cubic upsampling (the source's pixels at least as large as the reference's: DSTL's
/// M and A products, half-pixel shifts included). Reads the source window once in its own type
/// (converted to Float32 by GDAL) and resamples separably, a band per thread; a source on the
/// reference grid itself is read straight into the caller's buffer.
///
/// The warper computes every output pixel from scratch through a coordinate transformer, in one
/// thread: on a 20-band DSTL-style stack this path is an order of magnitude faster (see the README,
/// "Many machines"). Values agree with the warper: nearest exactly, bilinear and cubic within
/// rounding (`StackFastPathTests`). Anything else returns nil from `make` and takes the warper.
final class SeparableLayer {
    let dataset: Dataset
    let bands: [Int]
    let resampling: Resampling
    private let columns: AxisTaps
    private let rows: AxisTaps
    /// The source is on the reference grid: read straight into the caller's buffer.
    let isIdentity: Bool
    private let threads: Int

    private init(dataset: Dataset, bands: [Int], resampling: Resampling, columns: AxisTaps, rows: AxisTaps, threads: Int) {
        self.dataset = dataset
        self.bands = bands
        self.resampling = resampling
        self.columns = columns
        self.rows = rows
        self.threads = threads
        isIdentity = columns.isIdentity && rows.isIdentity
    }

    /// Reads one of the layer's bands (1-based within `bands`) of `window`.
    func read(band: Int, window: PixelWindow, into values: inout [Float]) throws {
        let single = SeparableLayer(dataset: dataset, bands: [bands[band - 1]], resampling: resampling, columns: columns, rows: rows, threads: 1)
        try values.withUnsafeMutableBufferPointer { try single.read(window: window, into: $0, lineStride: window.width, bandStride: window.pixelCount) }
    }

    /// The fast layer for `bands` of `source` on `grid`, or nil when the warper is needed.
    static func make(source: Dataset, grid: RasterGrid, resampling: Resampling, bands: [Int], sourceNoData: Double?,
                     threads: Int) throws -> SeparableLayer? {
        guard sourceNoData == nil, [.nearest, .bilinear, .cubic].contains(resampling), grid.geoTransform.isNorthUp else { return nil }
        let own = try source.grid
        guard own.geoTransform.isNorthUp else { return nil }
        switch (own.crs, grid.crs) {
        case (nil, nil): break
        case let (from?, to?) where from.isEquivalent(to: to): break
        default: return nil
        }
        for band in bands {
            let handle = try source.band(band)
            // Float64 and 32-bit integers would lose digits in Float32 before interpolation.
            guard handle.isAllValid, [.uint8, .uint16, .int16, .float32].contains(try handle.pixelType) else { return nil }
        }
        let to = grid.geoTransform, from = own.geoTransform
        // Downsampling widens GDAL's bilinear and cubic kernels: not separable taps of this kind.
        if resampling != .nearest && (abs(from.pixelWidth) < abs(to.pixelWidth) || abs(from.pixelHeight) < abs(to.pixelHeight)) {
            return nil
        }
        let columns = AxisTaps(count: grid.width, origin: to.originX, pixel: to.pixelWidth,
                               sourceCount: own.width, sourceOrigin: from.originX, sourcePixel: from.pixelWidth)
        let rows = AxisTaps(count: grid.height, origin: to.originY, pixel: to.pixelHeight,
                            sourceCount: own.height, sourceOrigin: from.originY, sourcePixel: from.pixelHeight)
        return SeparableLayer(dataset: source, bands: bands, resampling: resampling, columns: columns, rows: rows, threads: threads)
    }

    /// Reads `window` of the reference grid: band b, row r, col c at `buffer[b * bandStride + r * lineStride + c]`,
    /// NaN outside the source.
    func read(window: PixelWindow, into buffer: UnsafeMutableBufferPointer<Float>, lineStride: Int, bandStride: Int) throws {
        if isIdentity {
            return try dataset.read(Float.self, bands: bands, window: window, into: buffer, lineStride: lineStride, bandStride: bandStride)
        }
        let outColumns = window.col..<(window.col + window.width), outRows = window.row..<(window.row + window.height)
        guard let sx = columns.sourceRange(of: outColumns, resampling: resampling),
              let sy = rows.sourceRange(of: outRows, resampling: resampling) else {
            for b in bands.indices {
                for r in 0..<window.height {
                    let row = buffer.baseAddress! + b * bandStride + r * lineStride
                    row.update(repeating: .nan, count: window.width)
                }
            }
            return
        }
        let sourceWindow = PixelWindow(col: sx.lowerBound, row: sy.lowerBound, width: sx.count, height: sy.count)
        let source = try dataset.read(Float.self, bands: bands, window: sourceWindow)
        let plane = sourceWindow.pixelCount
        let target = SendablePointer(buffer.baseAddress!)
        source.withUnsafeBufferPointer { source in
            let base = SendablePointer(UnsafeMutablePointer(mutating: source.baseAddress!))
            concurrently(bands.count, threads: threads) { b in
                resample(UnsafePointer(base.pointer + b * plane), sourceWindow, into: target.pointer + b * bandStride,
                         lineStride: lineStride, columns: outColumns, rows: outRows)
            }
        }
    }

    /// One band: a horizontal pass over the source rows into Double rows (as GDAL keeps them), then
    /// the vertical pass per output row.
    private func resample(_ source: UnsafePointer<Float>, _ sourceWindow: PixelWindow, into out: UnsafeMutablePointer<Float>,
                          lineStride: Int, columns outColumns: Range<Int>, rows outRows: Range<Int>) {
        let x = columns, y = rows, width = outColumns.count, sw = sourceWindow.width
        let sx0 = sourceWindow.col, sy0 = sourceWindow.row
        if resampling == .nearest {
            for (r, j) in outRows.enumerated() {
                let line = out + r * lineStride
                guard y.inside[j] else { line.update(repeating: .nan, count: width); continue }
                let sourceRow = source + (Int(y.nearest[j]) - sy0) * sw
                for (c, i) in outColumns.enumerated() { line[c] = x.inside[i] ? sourceRow[Int(x.nearest[i]) - sx0] : .nan }
            }
            return
        }
        // Horizontal pass: for each source row, bilinear (and cubic) values at every output column.
        let cubic = resampling == .cubic
        var linear = [Double](repeating: .nan, count: sourceWindow.height * width)
        var cubicRows = [Double](repeating: .nan, count: cubic ? sourceWindow.height * width : 0)
        for sr in 0..<sourceWindow.height {
            let sourceRow = source + sr * sw
            for (c, i) in outColumns.enumerated() where x.inside[i] {
                linear[sr * width + c] = x.linear(i) { Double(sourceRow[$0 - sx0]) }
                if cubic && x.cubicInterior[i] {
                    let first = Int(x.cubicFirst[i]) - sx0, w = 4 * i
                    // CONVOL4 of GDAL: left to right.
                    cubicRows[sr * width + c] = x.cubicWeights[w] * Double(sourceRow[first]) + x.cubicWeights[w + 1] * Double(sourceRow[first + 1])
                        + x.cubicWeights[w + 2] * Double(sourceRow[first + 2]) + x.cubicWeights[w + 3] * Double(sourceRow[first + 3])
                }
            }
        }
        // Vertical pass, on raw pointers (the hot loop of stacking): per output row, its taps once.
        let insideColumns = outColumns.map { x.inside[$0] }
        let cubicColumns = outColumns.map { cubic && x.cubicInterior[$0] }
        // The columns between the edges, all inside and all cubic (or all not): there the taps
        // are the same for every column, and the loops below run without per-column tests.
        var uniform = 0..<0
        if let first = insideColumns.indices.first(where: { insideColumns[$0] && cubicColumns[$0] == cubic }) {
            var end = first
            while end < width && insideColumns[end] && cubicColumns[end] == cubic { end += 1 }
            uniform = first..<end
        }
        // The other columns, at the edges, tested one by one below.
        let edges = Array(0..<uniform.lowerBound) + Array(uniform.upperBound..<width)
        let largest = Double(Float.greatestFiniteMagnitude)
        linear.withUnsafeBufferPointer { linear in
            cubicRows.withUnsafeBufferPointer { cubicRows in
                for (r, j) in outRows.enumerated() {
                    let line = out + r * lineStride
                    guard y.inside[j] else { line.update(repeating: .nan, count: width); continue }
                    // Bilinear taps (GDAL drops those outside the source and renormalizes: one tap left).
                    let top = Int(y.linearFirst[j]), ratio = y.linearRatio[j]
                    let both = top >= 0 && top + 1 < y.sourceCount
                    let row0 = linear.baseAddress! + (max(top, 0) - sy0) * width
                    let row1 = linear.baseAddress! + (min(top + 1, y.sourceCount - 1) - sy0) * width
                    let single = top >= 0 ? row0 : row1
                    let cubicRow = cubic && y.cubicInterior[j]
                    let first = Int(y.cubicFirst[j]) - sy0, dy = y.cubicDelta[j]
                    let dy2 = dy * dy, dy3 = dy2 * dy
                    let c0 = cubicRows.baseAddress.map { $0 + first * width }
                    // The same expressions as the loop below, so the same values.
                    if cubicRow && cubic, let c0 {
                        for c in uniform {
                            let f0 = c0[c], f1 = c0[width + c], f2 = c0[2 * width + c], f3 = c0[3 * width + c]
                            let value = f1 + 0.5 * (dy * (f2 - f0) + dy2 * (2.0 * f0 - 5.0 * f1 + 4.0 * f2 - f3) + dy3 * (3.0 * (f1 - f2) + f3 - f0))
                            line[c] = Float(max(-largest, min(largest, value)))
                        }
                    } else if both {
                        for c in uniform { line[c] = Float(row0[c] * ratio + row1[c] * (1.0 - ratio)) }
                    } else {
                        for c in uniform { line[c] = Float(single[c]) }
                    }
                    for c in edges {
                        guard insideColumns[c] else { line[c] = .nan; continue }
                        if cubicRow && cubicColumns[c], let c0 {
                            // GDAL's CubicConvolution(dy, dy², dy³, f0, f1, f2, f3).
                            let f0 = c0[c], f1 = c0[width + c], f2 = c0[2 * width + c], f3 = c0[3 * width + c]
                            let value = f1 + 0.5 * (dy * (f2 - f0) + dy2 * (2.0 * f0 - 5.0 * f1 + 4.0 * f2 - f3) + dy3 * (3.0 * (f1 - f2) + f3 - f0))
                            line[c] = Float(max(-largest, min(largest, value)))
                        } else if both {
                            line[c] = Float(row0[c] * ratio + row1[c] * (1.0 - ratio))
                        } else {
                            line[c] = Float(single[c])
                        }
                    }
                }
            }
        }
    }
}

/// Runs `body(i)` for i in 0..<count, each index once: in parallel on GCD's threads (as many as
/// the machine has cores) when `threads` > 1, in order on this thread otherwise.
func concurrently(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    guard threads > 1 && count > 1 else {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
    }
}

/// Raw pointers into disjoint regions handed to worker threads: the caller guarantees the writes
/// do not overlap, which the compiler cannot check.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
