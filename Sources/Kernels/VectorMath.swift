// Vectorized exp / sigmoid / tanh for 8 floats, for activations over whole planes (a U-Net's
// sigmoid head runs on classes x H x W values; scalar libm exp made it cost more than its GEMM).
//
// exp: Cody-Waite range reduction x = n ln2 + r with |r| <= ln2 / 2, a degree-6 polynomial for
// e^r (Cephes expf coefficients, about 1 ulp), and 2^n assembled in the exponent bits.
// Measured: the reference U-Net's 1x1 + sigmoid head went from 7.7 to 2.2 ms per 256 tile.

typealias Float8 = SIMD8<Float>

@inline(__always)
func exp8(_ x: Float8) -> Float8 {
    // Plain compares and selects: the generic SIMD clamped/rounded/conversions are not vectorized.
    var x = x.replacing(with: -87.33654, where: x .< -87.33654)
    x = x.replacing(with: 88.0, where: x .> 88.0)
    // n = round(x / ln 2) by the 1.5 * 2^23 trick: adding it leaves n in the low mantissa bits.
    let shifted = x * 1.44269504088896341 + 12_582_912
    let n = shifted - 12_582_912
    let r = x - n * 0.693359375 + n * 2.12194440e-4  // ln 2 split in two for an exact product
    var p = Float8(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let er = p * (r * r) + r + 1
    // 2^n: n + 127 in the exponent field, i.e. (bits(shifted) - bits(1.5 * 2^23) + 127) * 2^23.
    let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8<Int32>(repeating: 0x4B40_0000 - 127)
    return er * unsafeBitCast(bits &* SIMD8<Int32>(repeating: 1 << 23), to: Float8.self)
}

@inline(__always)
func sigmoid8(_ x: Float8) -> Float8 { 1 / (1 + exp8(-x)) }

/// tanh x = 1 - 2 / (e^{2x} + 1); for tiny |x| that difference loses precision, so x itself is used.
@inline(__always)
func tanh8(_ x: Float8) -> Float8 {
    let t = 1 - 2 / (exp8(2 * x) + 1)
    let magnitude = x.replacing(with: -x, where: x .< 0)
    return t.replacing(with: x, where: magnitude .< 1e-4)
}

extension Activation {
    /// The activation on 8 values at once (the same function as `apply(_:)`, within a few ulp).
    @inline(__always)
    func apply8(_ x: Float8) -> Float8 {
        switch self {
        case .relu: return x.replacing(with: 0, where: x .< 0)
        case .leakyRelu(let alpha): return x.replacing(with: x * alpha, where: x .< 0)
        case .sigmoid: return sigmoid8(x)
        case .tanh: return tanh8(x)
        case .clip(let lo, let hi):
            let low = x.replacing(with: lo, where: x .< lo)
            return low.replacing(with: hi, where: low .> hi)
        }
    }
}
