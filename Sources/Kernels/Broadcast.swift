/// Elementwise binary arithmetic (ONNX Add, Sub, Mul, Div).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "Add", subtract = "Sub", multiply = "Mul", divide = "Div"

    @inline(__always)
    public func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        }
    }
}

/// The NumPy-style broadcast of two NCHW shapes, or nil when an axis differs and neither is 1.
public func broadcastShape(_ a: TensorShape, _ b: TensorShape) -> TensorShape? {
    func axis(_ x: Int, _ y: Int) -> Int? { x == y ? x : x == 1 ? y : y == 1 ? x : nil }
    guard let n = axis(a.n, b.n), let c = axis(a.c, b.c), let h = axis(a.h, b.h), let w = axis(a.w, b.w) else {
        return nil
    }
    return TensorShape(n: n, c: c, h: h, w: w)
}

/// `out = a (op) b` with broadcasting; `out` has `broadcastShape(aShape, bShape)`.
public func binary(_ op: BinaryOperator, _ a: UnsafePointer<Float>, _ aShape: TensorShape,
                   _ b: UnsafePointer<Float>, _ bShape: TensorShape, into output: UnsafeMutablePointer<Float>) {
    guard let out = broadcastShape(aShape, bShape) else { preconditionFailure("\(aShape) and \(bShape) do not broadcast") }
    if aShape == bShape {
        for i in 0..<out.count { output[i] = op.apply(a[i], b[i]) }
        return
    }
    // Strides of each operand in the output's index space (0 along broadcast axes).
    func strides(_ s: TensorShape) -> (Int, Int, Int, Int) {
        (s.n == 1 ? 0 : s.c * s.h * s.w, s.c == 1 ? 0 : s.h * s.w, s.h == 1 ? 0 : s.w, s.w == 1 ? 0 : 1)
    }
    let sa = strides(aShape), sb = strides(bShape)
    var index = 0
    for n in 0..<out.n {
        for c in 0..<out.c {
            for y in 0..<out.h {
                let rowA = a + n * sa.0 + c * sa.1 + y * sa.2, rowB = b + n * sb.0 + c * sb.1 + y * sb.2
                for x in 0..<out.w {
                    output[index] = op.apply(rowA[x * sa.3], rowB[x * sb.3])
                    index += 1
                }
            }
        }
    }
}
