import Foundation
import Kernels

/// The DSTL 3rd-place loss, per class c over the whole batch:
///
///     L_c = BCE_c − log J_c,  J_c = (Σ p·t + ε) / (Σ p + Σ t − Σ p·t + ε)
///
/// where BCE_c is the mean binary cross-entropy of class c's pixels; the loss is the mean of L_c
/// over classes, or Σ w_c L_c / Σ w_c with class weights. Without weights it equals PyTorch's
/// `binary_cross_entropy(p, t) - log(J).mean()`. It is computed from the head's logits z
/// (p = sigmoid z) so that BCE uses log-sigmoid (no log 0) and dL/dz is exact.
public struct JaccardBCELoss: Sendable {
    public let classWeights: [Float]?
    public let epsilon: Float

    public init(classWeights: [Float]? = nil, epsilon: Float = 1e-7) {
        self.classWeights = classWeights
        self.epsilon = epsilon
    }

    func check(classes: Int) throws {
        guard let classWeights else { return }
        guard classWeights.count == classes else {
            throw TrainingError(code: .invalidInput, message: "loss: \(classWeights.count) class weights for \(classes) classes")
        }
        guard classWeights.allSatisfy({ $0 >= 0 && $0.isFinite }), classWeights.contains(where: { $0 > 0 }) else {
            throw TrainingError(code: .invalidInput, message: "loss: class weights must be finite, non-negative and not all zero")
        }
    }

    /// The loss of probabilities `p` against 0/1 targets, both NCHW [batch, classes, plane]
    /// (for validation and tests).
    public func value(probabilities p: [Float], targets t: [Float], batch: Int, classes: Int) throws -> Float {
        try check(classes: classes)
        guard p.count == t.count, batch > 0, classes > 0, p.count % (batch * classes) == 0 else {
            throw TrainingError(code: .invalidInput, message: "loss: \(p.count) probabilities and \(t.count) targets for batch \(batch) x \(classes) classes")
        }
        let plane = p.count / (batch * classes)
        var total = 0.0, weights = 0.0
        for c in 0..<classes {
            var bce = 0.0, intersection = 0.0, sums = 0.0
            for n in 0..<batch {
                let base = (n * classes + c) * plane
                for i in 0..<plane {
                    let pi = Double(p[base + i]), ti = Double(t[base + i])
                    bce -= ti * max(log(pi), -100) + (1 - ti) * max(log(1 - pi), -100)
                    intersection += pi * ti
                    sums += pi + ti
                }
            }
            let w = Double(classWeights?[c] ?? 1), e = Double(epsilon)
            let jaccard = (intersection + e) / (sums - intersection + e)
            total += w * (bce / Double(batch * plane) - log(jaccard))
            weights += w
        }
        return Float(total / weights)
    }

    /// The loss from logits `z`, and dL/dz written into `gradient` (may not alias `z`).
    /// `probabilities` receives sigmoid(z).
    /// Classes are spread over `threads`; their losses are summed in class order.
    func evaluate(logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, probabilities p: UnsafeMutablePointer<Float>,
                  gradient: UnsafeMutablePointer<Float>, batch: Int, classes: Int, plane: Int, threads: Int = 1) -> Float {
        let count = batch * plane
        var weightSum = 0.0
        for c in 0..<classes { weightSum += Double(classWeights?[c] ?? 1) }
        let perClass = UnsafeMutablePointer<Double>.allocate(capacity: classes)
        defer { perClass.deallocate() }
        parallelFor(classes, threads: threads) { c, _ in
            var bce = 0.0, intersection = 0.0, sums = 0.0
            for n in 0..<batch {
                let base = (n * classes + c) * plane
                var pb: Float = 0, pi: Float = 0, ps: Float = 0
                for i in 0..<plane {
                    let zi = z[base + i], ti = t[base + i]
                    let prob = Sigmoid.value(zi)
                    p[base + i] = prob
                    // BCE = softplus(z) − t·z = max(z, 0) − t·z + log(1 + e^−|z|), and
                    // log(1 + e^−|z|) = −log(max(p, 1 − p)): one exp per value, and the log of a
                    // number in [0.5, 1] is accurate.
                    pb += max(zi, 0) - ti * zi - log(max(prob, 1 - prob))
                    pi += prob * ti
                    ps += prob + ti
                }
                bce += Double(pb)
                intersection += Double(pi)
                sums += Double(ps)
            }
            let e = Double(epsilon), union = sums - intersection
            let w = Double(classWeights?[c] ?? 1) / weightSum
            perClass[c] = w * (bce / Double(count) - log((intersection + e) / (union + e)))
            // dL_c/dp = −t / (I + ε) + (1 − t) / (U + ε); through the sigmoid, times p(1 − p).
            // dBCE_c/dz = (p − t) / count.
            let a = Float(1 / (intersection + e)), b = Float(1 / (union + e))
            let scale = Float(w), perPixel = Float(1 / Double(count))
            for n in 0..<batch {
                let base = (n * classes + c) * plane
                for i in 0..<plane {
                    let prob = p[base + i], ti = t[base + i]
                    let jaccard = ((1 - ti) * b - ti * a) * prob * (1 - prob)
                    gradient[base + i] = scale * ((prob - ti) * perPixel + jaccard)
                }
            }
        }
        var total = 0.0
        for c in 0..<classes { total += perClass[c] }
        return Float(total)
    }
}
