import Foundation
import Kernels

/// Adam as PyTorch's `torch.optim.Adam` defaults (no weight decay, no AMSGrad):
///
///     m = β1 m + (1 − β1) g;  v = β2 v + (1 − β2) g²
///     θ −= lr / (1 − β1^t) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Steps taken (t).
    public internal(set) var step: Int = 0
    var moments: [(first: FloatBuffer, second: FloatBuffer)] = []

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    func attach(_ parameters: [Parameter]) {
        moments = parameters.map { (FloatBuffer(count: $0.value.count), FloatBuffer(count: $0.value.count)) }
        step = 0
    }

    /// One step over all parameters; tensors are spread over `threads` (each value's update is
    /// independent, so results do not depend on the thread count).
    func update(_ parameters: [Parameter], threads: Int = 1) {
        precondition(moments.count == parameters.count, "optimizer not attached to these parameters")
        step += 1
        let t = Double(step)
        let correction1 = 1 - pow(Double(beta1), t), correction2 = 1 - pow(Double(beta2), t)
        let stepSize = Float(Double(learningRate) / correction1)
        let rootCorrection2 = Float(correction2.squareRoot())
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        parallelFor(parameters.count, threads: threads) { index, _ in
            let parameter = parameters[index], moment = moments[index]
            let theta = parameter.value.pointer, g = parameter.gradient.pointer
            let m = moment.first.pointer, v = moment.second.pointer
            for i in 0..<parameter.value.count {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                theta[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
            }
        }
    }
}
