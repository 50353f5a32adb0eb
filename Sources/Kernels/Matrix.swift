/// A dense row-major Float32 matrix: element `(row, column)` is at `row * columns + column`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Private setter so `storage.count == rows * columns` always holds.
    public private(set) var storage: [Float]

    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(rows >= 0 && columns >= 0, "negative extent \(rows)x\(columns)")
        precondition(
            storage.count == rows * columns,
            "storage has \(storage.count) elements; \(rows)x\(columns) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    public init(rows: Int, columns: Int, filled value: Float = 0) {
        self.init(rows: rows, columns: columns, storage: [Float](repeating: value, count: rows * columns))
    }

    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition((0..<rows).contains(row) && (0..<columns).contains(column), "index out of range")
            return storage[row * columns + column]
        }
        set {
            precondition((0..<rows).contains(row) && (0..<columns).contains(column), "index out of range")
            storage[row * columns + column] = newValue
        }
    }

    /// Direct mutable access for kernels; the count cannot change, so the shape stays valid.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }
}

/// Whether GEMM reads an operand as stored or as its transpose (`op(X)` in BLAS notation).
public enum Transpose: Sendable, Hashable {
    case none
    case transposed
}

/// The dimensions of `C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C`, checked
/// against the operands once so both implementations agree on what they were asked to do.
struct GEMMDimensions {
    let m: Int
    let n: Int
    let k: Int

    init(_ a: Matrix, _ transposeA: Transpose, _ b: Matrix, _ transposeB: Transpose, _ c: Matrix) {
        let (m, ka) = transposeA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transposeB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(ka == kb, "inner dimensions differ: op(A) is \(m)x\(ka), op(B) is \(kb)x\(n)")
        precondition(
            c.rows == m && c.columns == n, "C is \(c.rows)x\(c.columns); op(A)*op(B) is \(m)x\(n)")
        self.m = m
        self.n = n
        self.k = ka
    }
}
