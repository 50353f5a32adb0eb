import Foundation
@testable import Training

/// Seeded values for tests (SplitMix64, as the module's generator).
struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ low: Double = -1, _ high: Double = 1) -> Double { low + (high - low) * Double(next() >> 11) * 0x1p-53 }
    mutating func floats(_ count: Int, _ low: Double = -1, _ high: Double = 1) -> [Float] { (0..<count).map { _ in Float(uniform(low, high)) } }
}

/// max |a - b| / max(max |b|, floor): a relative error that tolerates tiny entries.
func relativeError(_ a: [Float], _ b: [Double], floor: Double = 1e-2) -> Double {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    var worst = 0.0, scale = floor
    for (x, y) in zip(a, b) {
        worst = max(worst, abs(Double(x) - y))
        scale = max(scale, abs(y))
    }
    return worst / scale
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Central differences of a scalar function of `x`, in Double.
func numericalGradient(_ x: [Double], step: Double = 1e-5, _ f: ([Double]) -> Double) -> [Double] {
    var x = x
    return (0..<x.count).map { i in
        let saved = x[i]
        x[i] = saved + step
        let up = f(x)
        x[i] = saved - step
        let down = f(x)
        x[i] = saved
        return (up - down) / (2 * step)
    }
}

func dot(_ a: [Double], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * Double($1.1) } }

extension FloatBuffer {
    static func from(_ values: [Float]) -> FloatBuffer { FloatBuffer(values) }
}

/// Double references of the layers' forward passes (NCHW).
enum Reference {
    /// 3x3 pad 1 or 1x1 convolution; w is Cout x Cin x k x k.
    static func conv(_ x: [Double], _ w: [Double], _ b: [Double]?, n: Int, cin: Int, cout: Int, h: Int, wd: Int, k: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * cout * h * wd)
        let pad = k / 2
        for i in 0..<n { for o in 0..<cout { for r in 0..<h { for c in 0..<wd {
            var s = b?[o] ?? 0
            for ci in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let iy = r + ky - pad, ix = c + kx - pad
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                s += x[((i * cin + ci) * h + iy) * wd + ix] * w[((o * cin + ci) * k + ky) * k + kx]
            } } }
            y[((i * cout + o) * h + r) * wd + c] = s
        } } } }
        return y
    }

    /// 2x2 stride-2 transposed convolution; w is Cin x Cout x 2 x 2.
    static func convTranspose(_ x: [Double], _ w: [Double], _ b: [Double], n: Int, cin: Int, cout: Int, h: Int, wd: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * cout * 4 * h * wd)
        for i in 0..<n { for o in 0..<cout { for r in 0..<(2 * h) { for c in 0..<(2 * wd) {
            var s = b[o]
            for ci in 0..<cin { s += x[((i * cin + ci) * h + r / 2) * wd + c / 2] * w[((ci * cout + o) * 2 + r % 2) * 2 + c % 2] }
            y[((i * cout + o) * 2 * h + r) * 2 * wd + c] = s
        } } } }
        return y
    }

    /// Training-mode batch norm (biased batch variance), optionally followed by ReLU.
    static func batchNorm(_ x: [Double], gamma: [Double], beta: [Double], n: Int, c: Int, plane: Int, relu: Bool) -> [Double] {
        var y = x
        for ch in 0..<c {
            var mean = 0.0, variance = 0.0
            for i in 0..<n { for p in 0..<plane { mean += x[(i * c + ch) * plane + p] } }
            mean /= Double(n * plane)
            for i in 0..<n { for p in 0..<plane { let d = x[(i * c + ch) * plane + p] - mean; variance += d * d } }
            variance /= Double(n * plane)
            for i in 0..<n { for p in 0..<plane {
                let index = (i * c + ch) * plane + p
                let v = (x[index] - mean) / (variance + 1e-5).squareRoot() * gamma[ch] + beta[ch]
                y[index] = relu ? max(v, 0) : v
            } }
        }
        return y
    }

    static func maxPool(_ x: [Double], planes: Int, h: Int, w: Int) -> [Double] {
        var y = [Double](repeating: 0, count: planes * h * w / 4)
        for p in 0..<planes { for r in 0..<(h / 2) { for c in 0..<(w / 2) {
            let base = p * h * w + 2 * r * w + 2 * c
            y[(p * (h / 2) + r) * (w / 2) + c] = max(max(x[base], x[base + 1]), max(x[base + w], x[base + w + 1]))
        } } }
        return y
    }

    /// The loss from logits, as defined in JaccardBCELoss.
    static func loss(_ z: [Double], _ t: [Float], n: Int, classes: Int, plane: Int, weights: [Double]?, eps: Double = 1e-7) -> Double {
        var total = 0.0, weightSum = 0.0
        for c in 0..<classes {
            var bce = 0.0, inter = 0.0, sums = 0.0
            for i in 0..<n { for p in 0..<plane {
                let index = (i * classes + c) * plane + p
                let prob = 1 / (1 + exp(-z[index])), target = Double(t[index])
                bce -= target * log(prob) + (1 - target) * log(1 - prob)
                inter += prob * target
                sums += prob + target
            } }
            let w = weights?[c] ?? 1
            total += w * (bce / Double(n * plane) - log((inter + eps) / (sums - inter + eps)))
            weightSum += w
        }
        return total / weightSum
    }
}
