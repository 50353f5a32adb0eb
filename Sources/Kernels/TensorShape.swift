/// The shape of a 4-D tensor in NCHW order: batch `n`, channels `c`, height `h` (rows),
/// width `w` (columns).
///
/// Layout is dense row-major with `w` varying fastest: element `(n, c, h, w)` is stored at
/// `((n * C + c) * H + h) * W + w`, where `C`, `H`, `W` are this shape's extents. One channel
/// plane is therefore `H * W` contiguous floats, which is what im2col and BLAS calls rely on.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public let n: Int
    public let c: Int
    public let h: Int
    public let w: Int

    public init(n: Int, c: Int, h: Int, w: Int) {
        precondition(n >= 0 && c >= 0 && h >= 0 && w >= 0, "negative extent in \(n)x\(c)x\(h)x\(w)")
        self.n = n
        self.c = c
        self.h = h
        self.w = w
    }

    /// Number of elements, `n * c * h * w`.
    public var count: Int { n * c * h * w }

    /// Storage offset of element `(n, c, h, w)`; traps if any index is out of range.
    @inlinable
    public func offset(n: Int, c: Int, h: Int, w: Int) -> Int {
        precondition(
            (0..<self.n).contains(n) && (0..<self.c).contains(c)
                && (0..<self.h).contains(h) && (0..<self.w).contains(w),
            "index (\(n), \(c), \(h), \(w)) out of range for shape \(self)")
        return ((n * self.c + c) * self.h + h) * self.w + w
    }

    public var description: String { "\(n)x\(c)x\(h)x\(w)" }
}
