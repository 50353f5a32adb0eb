import Foundation

/// A pointwise activation, applied on its own or fused into a convolution's epilogue.
public enum Activation: Hashable, Sendable, CustomStringConvertible {
    case relu
    /// `x < 0 ? alpha * x : x`.
    case leakyRelu(alpha: Float)
    case sigmoid
    case tanh
    /// `min(max(x, min), max)`; ONNX Clip (and ReLU6 as `clip(0, 6)`).
    case clip(min: Float, max: Float)

    @inline(__always)
    public func apply(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .leakyRelu(let alpha): return x < 0 ? alpha * x : x
        case .sigmoid, .tanh: return apply8(Float8(repeating: x))[0]  // same values as on whole planes
        case .clip(let lo, let hi): return Swift.min(Swift.max(x, lo), hi)
        }
    }

    /// Applies the activation in place to `count` contiguous values.
    public func apply(to values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: for i in 0..<count { values[i] = values[i] > 0 ? values[i] : 0 }
        case .clip(let lo, let hi): for i in 0..<count { values[i] = Swift.min(Swift.max(values[i], lo), hi) }
        case .leakyRelu(let alpha): for i in 0..<count where values[i] < 0 { values[i] *= alpha }
        default:
            let raw = UnsafeMutableRawPointer(values)
            var i = 0
            while i + 8 <= count {
                raw.storeBytes(of: apply8(raw.loadUnaligned(fromByteOffset: i * 4, as: Float8.self)), toByteOffset: i * 4, as: Float8.self)
                i += 8
            }
            while i < count { values[i] = apply(values[i]); i += 1 }
        }
    }

    public var description: String {
        switch self {
        case .relu: "Relu"
        case .leakyRelu(let alpha): "LeakyRelu(\(alpha))"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .clip(let lo, let hi): "Clip(\(lo), \(hi))"
        }
    }
}

/// Adds `bias` (if any) and applies `activation` (if any) to one channel plane of `count` values:
/// the epilogue every convolution kernel shares, run while the plane is still in cache.
@inline(__always)
func applyEpilogue(_ values: UnsafeMutablePointer<Float>, count: Int, bias: Float, activation: Activation?) {
    if bias != 0 { for i in 0..<count { values[i] += bias } }
    activation?.apply(to: values, count: count)
}
