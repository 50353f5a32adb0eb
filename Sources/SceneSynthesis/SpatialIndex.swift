/// A uniform grid over the scene listing, for each cell, the features whose (inflated) bounds touch
/// it. Stored flat (offsets + indices) so a 20,000-pixel scene with 10^5 features stays compact.
struct SpatialIndex {
    let cellSize: Double
    let columns: Int
    let rows: Int
    private let offsets: [Int32]
    private let entries: [Int32]

    /// `inflatedBounds[i]` are the bounds inside which feature i can affect a pixel (its shape plus
    /// anti-aliasing margin plus shadow).
    init(width: Double, height: Double, cellSize: Double, inflatedBounds: [(min: Point, max: Point)]) {
        self.cellSize = cellSize
        columns = max(1, Int((width / cellSize).rounded(.up)))
        rows = max(1, Int((height / cellSize).rounded(.up)))
        let columns = columns, rows = rows
        func cellRange(_ b: (min: Point, max: Point)) -> (ClosedRange<Int>, ClosedRange<Int>)? {
            let x0 = max(0, Int((b.min.x / cellSize).rounded(.down))), x1 = min(columns - 1, Int((b.max.x / cellSize).rounded(.down)))
            let y0 = max(0, Int((b.min.y / cellSize).rounded(.down))), y1 = min(rows - 1, Int((b.max.y / cellSize).rounded(.down)))
            return x0 <= x1 && y0 <= y1 ? (x0...x1, y0...y1) : nil
        }
        var counts = [Int32](repeating: 0, count: columns * rows + 1)
        for bounds in inflatedBounds {
            guard let (xs, ys) = cellRange(bounds) else { continue }
            for y in ys { for x in xs { counts[y * columns + x + 1] += 1 } }
        }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        var fill = counts
        var entries = [Int32](repeating: 0, count: Int(counts.last!))
        for (feature, bounds) in inflatedBounds.enumerated() {
            guard let (xs, ys) = cellRange(bounds) else { continue }
            for y in ys {
                for x in xs {
                    let cell = y * columns + x
                    entries[Int(fill[cell])] = Int32(feature)
                    fill[cell] += 1
                }
            }
        }
        offsets = counts
        self.entries = entries
    }

    /// Calls `body` with the indices of the features that may affect point `p`, in increasing order.
    @inline(__always)
    func forEachCandidate(at p: Point, _ body: (Int) -> Void) {
        let x = min(max(Int((p.x / cellSize).rounded(.down)), 0), columns - 1)
        let y = min(max(Int((p.y / cellSize).rounded(.down)), 0), rows - 1)
        let cell = y * columns + x
        entries.withUnsafeBufferPointer { list in
            for i in Int(offsets[cell])..<Int(offsets[cell + 1]) { body(Int(list[i])) }
        }
    }

    var entryCount: Int { entries.count }
}
