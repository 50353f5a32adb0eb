/// A dense Float32 tensor in NCHW layout (see `TensorShape` for the element order).
///
/// A value type over `[Float]`: copies share storage until one of them is written.
public struct Tensor: Sendable, Equatable {
    public let shape: TensorShape
    /// Elements in NCHW order; `storage.count == shape.count` always holds.
    public private(set) var storage: [Float]

    /// A tensor whose elements are all `value`.
    public init(shape: TensorShape, filled value: Float) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.count)
    }

    /// A tensor of zeros.
    public init(zeros shape: TensorShape) {
        self.init(shape: shape, filled: 0)
    }

    /// Wraps `storage`, which must already be in NCHW order and hold exactly `shape.count` elements.
    public init(shape: TensorShape, storage: [Float]) {
        precondition(
            storage.count == shape.count,
            "storage has \(storage.count) elements; shape \(shape) needs \(shape.count)")
        self.shape = shape
        self.storage = storage
    }

    public subscript(n: Int, c: Int, h: Int, w: Int) -> Float {
        get { storage[shape.offset(n: n, c: c, h: h, w: w)] }
        set { storage[shape.offset(n: n, c: c, h: h, w: w)] = newValue }
    }

    /// Direct access for kernels; the buffer is in NCHW order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Direct mutable access for kernels; the count cannot change, so the shape stays valid.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }
}
