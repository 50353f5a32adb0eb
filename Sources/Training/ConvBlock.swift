/// [3x3 conv → batch norm (if on) → ReLU] twice, with the activations the backward pass needs:
/// c = convolution outputs (only with batch norm), a = block outputs after ReLU.
final class ConvBlock {
    let inputChannels: Int
    let outputChannels: Int
    let conv1: Conv2D
    let conv2: Conv2D
    let norm1: BatchNorm?
    let norm2: BatchNorm?

    private(set) var c1 = FloatBuffer(count: 0), a1 = FloatBuffer(count: 0)
    private(set) var c2 = FloatBuffer(count: 0), a2 = FloatBuffer(count: 0)
    /// Gradients at a1 and a2; the caller writes the block's output gradient into `gradient`.
    private(set) var gradient1 = FloatBuffer(count: 0), gradient = FloatBuffer(count: 0)

    /// `name` is the PyTorch `nn.Sequential` prefix: conv at .0, batch norm at .1, the second conv
    /// at .3 (.2 without batch norm), its batch norm at .4.
    init(name: String, inputChannels: Int, outputChannels: Int, batchNorm: Bool, algorithm: Conv2D.Algorithm) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        conv1 = Conv2D(name: name + ".0", inputChannels: inputChannels, outputChannels: outputChannels, kernel: 3, bias: !batchNorm,
                       algorithm: algorithm)
        conv2 = Conv2D(name: name + (batchNorm ? ".3" : ".2"), inputChannels: outputChannels, outputChannels: outputChannels,
                       kernel: 3, bias: !batchNorm, algorithm: algorithm)
        norm1 = batchNorm ? BatchNorm(name: name + ".1", channels: outputChannels) : nil
        norm2 = batchNorm ? BatchNorm(name: name + ".4", channels: outputChannels) : nil
    }

    var parameters: [Parameter] {
        conv1.parameters + (norm1?.parameters ?? []) + conv2.parameters + (norm2?.parameters ?? [])
    }

    var output: FloatBuffer { a2 }

    func allocate(batch: Int, plane: Int) {
        let count = batch * outputChannels * plane
        a1 = FloatBuffer(count: count)
        a2 = FloatBuffer(count: count)
        c1 = norm1 == nil ? a1 : FloatBuffer(count: count)
        c2 = norm2 == nil ? a2 : FloatBuffer(count: count)
        gradient1 = FloatBuffer(count: count)
        gradient = FloatBuffer(count: count)
    }

    func scratchFloats(plane: Int) -> Int { max(conv1.scratchFloats(plane: plane), conv2.scratchFloats(plane: plane)) }

    func forward(_ x: UnsafePointer<Float>, batch: Int, height: Int, width: Int, training: Bool, scratch: Scratch, threads: Int) {
        let plane = height * width
        conv1.forward(x, c1.pointer, batch: batch, height: height, width: width, scratch: scratch, threads: threads)
        normalize(norm1, c1, a1, batch: batch, plane: plane, training: training, threads: threads)
        conv2.forward(a1.pointer, c2.pointer, batch: batch, height: height, width: width, scratch: scratch, threads: threads)
        normalize(norm2, c2, a2, batch: batch, plane: plane, training: training, threads: threads)
    }

    private func normalize(_ norm: BatchNorm?, _ c: FloatBuffer, _ a: FloatBuffer, batch: Int, plane: Int, training: Bool, threads: Int) {
        guard let norm else {
            ReLU.forward(c.pointer, a.pointer, count: batch * outputChannels * plane)
            return
        }
        if training {
            norm.forwardTrain(c.pointer, a.pointer, batch: batch, plane: plane, relu: true, threads: threads)
        } else {
            norm.forwardEval(c.pointer, a.pointer, batch: batch, plane: plane, relu: true, threads: threads)
        }
    }

    /// Backward from `gradient` (dL/da2, overwritten); adds parameter gradients, writes dL/dx
    /// into `dx` unless nil (the network's input needs none).
    func backward(input x: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?, batch: Int, height: Int, width: Int,
                  scratch: Scratch, threads: Int) {
        let plane = height * width
        denormalize(norm2, c2, a2, gradient, batch: batch, plane: plane, threads: threads)
        conv2.backward(input: a1.pointer, outputGradient: gradient.pointer, inputGradient: gradient1.pointer,
                       batch: batch, height: height, width: width, scratch: scratch, threads: threads)
        denormalize(norm1, c1, a1, gradient1, batch: batch, plane: plane, threads: threads)
        conv1.backward(input: x, outputGradient: gradient1.pointer, inputGradient: dx,
                       batch: batch, height: height, width: width, scratch: scratch, threads: threads)
    }

    /// Turns dL/da into dL/dc in place (through ReLU and batch norm).
    private func denormalize(_ norm: BatchNorm?, _ c: FloatBuffer, _ a: FloatBuffer, _ g: FloatBuffer, batch: Int, plane: Int, threads: Int) {
        if let norm {
            norm.backward(input: c.pointer, output: a.pointer, outputGradient: g.pointer, inputGradient: g.pointer,
                          batch: batch, plane: plane, relu: true, threads: threads)
        } else {
            ReLU.backward(output: a.pointer, outputGradient: g.pointer, inputGradient: g.pointer, count: batch * outputChannels * plane)
        }
    }
}
