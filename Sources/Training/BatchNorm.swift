import Kernels

/// Batch normalization over N, H, W per channel, optionally followed by ReLU in the same pass.
/// Training uses the batch's statistics (biased variance) and updates the running ones as
/// PyTorch does: running = 0.9 · running + 0.1 · batch, with the unbiased variance. Evaluation
/// uses the running statistics. eps = 1e-5 (PyTorch and ONNX default).
final class BatchNorm {
    static let momentum: Float = 0.1
    static let epsilon: Float = 1e-5

    let channels: Int
    let scale: Parameter
    let shift: Parameter
    let runningMean: FloatBuffer
    let runningVariance: FloatBuffer
    /// The last training batch's mean and 1 / sqrt(variance + eps), for the backward pass.
    private let mean: FloatBuffer
    private let inverseStd: FloatBuffer

    init(name: String, channels: Int) {
        self.channels = channels
        scale = Parameter(name: name + ".weight", shape: [channels])
        shift = Parameter(name: name + ".bias", shape: [channels])
        runningMean = FloatBuffer(count: channels)
        runningVariance = FloatBuffer(count: channels)
        mean = FloatBuffer(count: channels)
        inverseStd = FloatBuffer(count: channels)
        reset()
    }

    func reset() {
        for c in 0..<channels {
            scale.value.pointer[c] = 1
            shift.value.pointer[c] = 0
            runningMean.pointer[c] = 0
            runningVariance.pointer[c] = 1
        }
    }

    var parameters: [Parameter] { [scale, shift] }

    func forwardTrain(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, plane: Int, relu: Bool, threads: Int) {
        let count = Double(batch * plane)
        parallelFor(channels, threads: threads) { c, _ in
            var sum = 0.0
            for n in 0..<batch { sum += Double(vectorSum(x + (n * channels + c) * plane, count: plane)) }
            let mu = sum / count
            var squares = 0.0
            let muF = Float(mu)
            for n in 0..<batch { squares += Double(vectorSquaredDeviations(x + (n * channels + c) * plane, count: plane, mean: muF)) }
            let variance = squares / count
            let inv = Float(1 / (variance + Double(BatchNorm.epsilon)).squareRoot())
            mean.pointer[c] = muF
            inverseStd.pointer[c] = inv
            let m = BatchNorm.momentum
            runningMean.pointer[c] = (1 - m) * runningMean.pointer[c] + m * muF
            let unbiased = count > 1 ? variance * count / (count - 1) : variance
            runningVariance.pointer[c] = (1 - m) * runningVariance.pointer[c] + m * Float(unbiased)
            let a = scale.value.pointer[c] * inv, b = shift.value.pointer[c] - muF * a
            apply(x, y, channel: c, batch: batch, plane: plane, a: a, b: b, relu: relu)
        }
    }

    func forwardEval(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, plane: Int, relu: Bool, threads: Int) {
        parallelFor(channels, threads: threads) { c, _ in
            let a = scale.value.pointer[c] / (runningVariance.pointer[c] + BatchNorm.epsilon).squareRoot()
            let b = shift.value.pointer[c] - runningMean.pointer[c] * a
            apply(x, y, channel: c, batch: batch, plane: plane, a: a, b: b, relu: relu)
        }
    }

    private func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, channel c: Int, batch: Int, plane: Int,
                       a: Float, b: Float, relu: Bool) {
        for n in 0..<batch {
            let offset = (n * channels + c) * plane
            let from = x + offset, to = y + offset
            if relu {
                for i in 0..<plane { to[i] = max(from[i] * a + b, 0) }
            } else {
                for i in 0..<plane { to[i] = from[i] * a + b }
            }
        }
    }

    /// Adds the scale and shift gradients; writes dx (which may be `dy` itself). `x` is the
    /// forward input, `y` the forward output (after ReLU when `relu`), `dy` the gradient at `y`.
    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>, batch: Int, plane: Int, relu: Bool, threads: Int) {
        let count = Float(batch * plane)
        parallelFor(channels, threads: threads) { c, _ in
            let mu = mean.pointer[c], inv = inverseStd.pointer[c]
            var sumG = 0.0, sumGX = 0.0
            for n in 0..<batch {
                let offset = (n * channels + c) * plane
                let (pg, pgx) = maskedSums(dy + offset, x + offset, y + offset, into: dx + offset, count: plane, mean: mu, relu: relu)
                sumG += Double(pg)
                sumGX += Double(pgx)
            }
            let sumGXhat = Float(sumGX) * inv
            scale.gradient.pointer[c] += sumGXhat
            shift.gradient.pointer[c] += Float(sumG)
            let k = scale.value.pointer[c] * inv
            let meanG = Float(sumG) / count, meanGXhat = sumGXhat / count
            for n in 0..<batch {
                let offset = (n * channels + c) * plane
                // dx already holds the masked gradient (written by maskedSums).
                let xs = x + offset, out = dx + offset
                let c0 = k * (-meanG + mu * inv * meanGXhat), c1 = -k * inv * meanGXhat
                for i in 0..<plane { out[i] = k * out[i] + c1 * xs[i] + c0 }
            }
        }
    }

    /// Writes g = dy masked by y > 0 (when `relu`) into `out` (which may be `dy`) and returns
    /// (Σ g, Σ g · (x − mean)).
    private func maskedSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                            count: Int, mean: Float, relu: Bool) -> (Float, Float) {
        var sumG = Float8(), sumGX = Float8(), i = 0
        let m = Float8(repeating: mean), zero = Float8()
        while i + 8 <= count {
            var g = load8(dy + i)
            if relu { g.replace(with: zero, where: load8(y + i) .<= zero) }
            store8(g, out + i)
            sumG += g
            sumGX += g * (load8(x + i) - m)
            i += 8
        }
        var g0 = sumG.sum(), g1 = sumGX.sum()
        while i < count {
            let g = relu && y[i] <= 0 ? 0 : dy[i]
            out[i] = g
            g0 += g
            g1 += g * (x[i] - mean)
            i += 1
        }
        return (g0, g1)
    }
}
