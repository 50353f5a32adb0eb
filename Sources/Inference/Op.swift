import Kernels

/// Every operation the engine runs: a closed enum, so each pass and the runtime switch over all
/// of them exhaustively. Tensors are NCHW; weights are stored in the op (they must be constants).
public enum Op: Sendable {
    case conv(ConvOp)
    case convTranspose(ConvTransposeOp)
    /// Inference-mode BatchNormalization that was not folded into a convolution.
    case batchNorm(BatchNormOp)
    case activation(Activation)
    /// Softmax along `axis` (0...3); `flattenTrailing` for ONNX opset < 13 semantics.
    case softmax(axis: Int, flattenTrailing: Bool)
    case pool(PoolKind, PoolWindow)
    case globalAveragePool
    case resize(ResizeOp)
    /// Concatenation of all inputs along `axis` (0...3).
    case concat(axis: Int)
    /// Two inputs, broadcast NumPy-style.
    case binary(BinaryOperator)
    /// Pads (or crops) each of the N, C, H, W axes by `begin[i]` / `end[i]`.
    case pad(begin: [Int], end: [Int], mode: PadMode)
    case identity
    /// Inference-mode Dropout: the identity; kept apart so the graph reads like the model.
    case dropout

    /// The ONNX-style name, for messages and listings.
    public var name: String {
        switch self {
        case .conv: "Conv"
        case .convTranspose: "ConvTranspose"
        case .batchNorm: "BatchNormalization"
        case .activation(let activation): activation.description
        case .softmax: "Softmax"
        case .pool(.max, _): "MaxPool"
        case .pool(.average, _): "AveragePool"
        case .globalAveragePool: "GlobalAveragePool"
        case .resize: "Resize"
        case .concat: "Concat"
        case .binary(let op): op.rawValue
        case .pad: "Pad"
        case .identity: "Identity"
        case .dropout: "Dropout"
        }
    }
}

/// Convolution: weights Cout x (Cin / groups) x kH x kW, bias Cout values (or empty).
public struct ConvOp: Sendable {
    public var weights: Tensor
    public var bias: [Float]
    public var geometry: ConvGeometry
    /// Applied after the bias (set by the activation-fusion pass).
    public var activation: Activation?

    public init(weights: Tensor, bias: [Float], geometry: ConvGeometry, activation: Activation? = nil) {
        (self.weights, self.bias, self.geometry, self.activation) = (weights, bias, geometry, activation)
    }

    /// Floating-point operations (2 x multiply-adds) for an output of `output` shape.
    public func flops(output: TensorShape) -> Int {
        2 * output.count * weights.shape.c * weights.shape.h * weights.shape.w
    }
}

/// Transposed convolution: weights Cin x (Cout / groups) x kH x kW, bias Cout values (or empty).
public struct ConvTransposeOp: Sendable {
    public var weights: Tensor
    public var bias: [Float]
    public var geometry: ConvGeometry
    public var outputPadding: (h: Int, w: Int)
    public var activation: Activation?

    public init(weights: Tensor, bias: [Float], geometry: ConvGeometry, outputPadding: (h: Int, w: Int) = (0, 0),
                activation: Activation? = nil) {
        (self.weights, self.bias, self.geometry) = (weights, bias, geometry)
        (self.outputPadding, self.activation) = (outputPadding, activation)
    }

    public var outputChannels: Int { weights.shape.c * geometry.groups }

    public func flops(input: TensorShape) -> Int {
        2 * input.count * weights.shape.c * weights.shape.h * weights.shape.w
    }
}

/// BatchNormalization parameters, one value per channel.
public struct BatchNormOp: Sendable {
    public var gamma: [Float], beta: [Float], mean: [Float], variance: [Float]
    public var epsilon: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        (self.gamma, self.beta, self.mean, self.variance, self.epsilon) = (gamma, beta, mean, variance, epsilon)
    }

    public var affine: (scale: [Float], shift: [Float]) {
        batchNormAffine(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
    }
}

/// Resize of H and W: either by `scales` (output / input) or to fixed `sizes`.
public struct ResizeOp: Sendable {
    public enum Target: Sendable {
        case scales(h: Double, w: Double)
        case sizes(h: Int, w: Int)
    }

    public var target: Target
    public var mode: ResizeMode
    public var transform: CoordinateTransform

    public init(target: Target, mode: ResizeMode, transform: CoordinateTransform) {
        (self.target, self.mode, self.transform) = (target, mode, transform)
    }

    /// Output H and W and the scales the coordinate transform uses, for an input of `h` x `w`.
    public func output(h: Int, w: Int) -> (h: Int, w: Int, scaleH: Double, scaleW: Double) {
        switch target {
        case .scales(let sh, let sw):
            return (Int((Double(h) * sh).rounded(.down)), Int((Double(w) * sw).rounded(.down)), sh, sw)
        case .sizes(let oh, let ow):
            return (oh, ow, Double(oh) / Double(h), Double(ow) / Double(w))
        }
    }
}
