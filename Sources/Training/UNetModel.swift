import Kernels

/// A U-Net of `UNetArchitecture` with its parameters, batch-norm statistics and the activation
/// buffers of one batch shape (allocated when the shape changes, reused every step).
/// Parameter names follow the PyTorch module of the same family (`down.0.0.weight`,
/// `mid.1.running_mean`, `up.0.bias`, `dec.3.4.weight`, `head.weight`).
public final class UNetModel {
    public let architecture: UNetArchitecture
    let encoders: [ConvBlock]
    let middle: ConvBlock
    /// up[j] and decoders[j] work at level depth − 1 − j (j = 0 is the deepest), as in PyTorch.
    let ups: [ConvTranspose2D]
    let decoders: [ConvBlock]
    let head: Conv2D
    let parameters: [Parameter]
    let norms: [BatchNorm]

    private var shape: (batch: Int, size: Int, workers: Int)?
    private var pooled: [FloatBuffer] = [], pooledGradient: [FloatBuffer] = []
    private var concatenated: [FloatBuffer] = [], concatenatedGradient: [FloatBuffer] = []
    private(set) var dropoutMask = FloatBuffer(count: 0)
    private var dropped = FloatBuffer(count: 0), droppedGradient = FloatBuffer(count: 0)
    private(set) var logits = FloatBuffer(count: 0)
    private(set) var probabilities = FloatBuffer(count: 0)
    private(set) var logitsGradient = FloatBuffer(count: 0)
    let scratch = Scratch()

    /// Builds the network and draws its weights from `seed` (one generator, parameters in order).
    public convenience init(architecture: UNetArchitecture, seed: UInt64) throws {
        try self.init(architecture: architecture, seed: seed, convolutions: .automatic)
    }

    /// `convolutions` forces how 3x3 convolutions run (tests compare GEMM and Winograd).
    init(architecture: UNetArchitecture, seed: UInt64, convolutions: Conv2D.Algorithm) throws {
        try architecture.validate()
        self.architecture = architecture
        let w = architecture.widths, depth = architecture.depth, bn = architecture.batchNorm
        encoders = (0..<depth).map {
            ConvBlock(name: "down.\($0)", inputChannels: $0 == 0 ? architecture.inputBands : w[$0 - 1], outputChannels: w[$0], batchNorm: bn,
                      algorithm: convolutions)
        }
        middle = ConvBlock(name: "mid", inputChannels: w[depth - 1], outputChannels: w[depth], batchNorm: bn, algorithm: convolutions)
        ups = (0..<depth).map { j in
            let level = depth - 1 - j
            return ConvTranspose2D(name: "up.\(j)", inputChannels: w[level + 1], outputChannels: w[level])
        }
        decoders = (0..<depth).map { j in
            let level = depth - 1 - j
            return ConvBlock(name: "dec.\(j)", inputChannels: 2 * w[level], outputChannels: w[level], batchNorm: bn, algorithm: convolutions)
        }
        head = Conv2D(name: "head", inputChannels: w[0], outputChannels: architecture.classes, kernel: 1, bias: true)
        parameters = encoders.flatMap(\.parameters) + middle.parameters + ups.flatMap(\.parameters)
            + decoders.flatMap(\.parameters) + head.parameters
        norms = (encoders + [middle] + decoders).flatMap { [$0.norm1, $0.norm2].compactMap { $0 } }
        var random = SplitMix64(seed: seed)
        let scheme = architecture.initialization
        for block in encoders + [middle] {
            block.conv1.initialize(scheme, &random)
            block.conv2.initialize(scheme, &random)
        }
        for (up, decoder) in zip(ups, decoders) {
            up.initialize(scheme, &random)
            decoder.conv1.initialize(scheme, &random)
            decoder.conv2.initialize(scheme, &random)
        }
        head.initialize(scheme, &random)
    }

    /// Every tensor of the model's state by name, in a fixed order: parameters, then batch-norm
    /// running statistics.
    var stateTensors: [(name: String, buffer: FloatBuffer)] {
        parameters.map { ($0.name, $0.value) } + norms.flatMap { norm in
            let prefix = String(norm.scale.name.dropLast(".weight".count))
            return [(prefix + ".running_mean", norm.runningMean), (prefix + ".running_var", norm.runningVariance)]
        }
    }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    func checkInput(count: Int, batch: Int, size: Int, channels: Int, what: String) throws {
        guard batch >= 1 else { throw TrainingError(code: .invalidInput, message: "batch must be at least 1, got \(batch)") }
        guard size >= architecture.sizeMultiple, size % architecture.sizeMultiple == 0 else {
            throw TrainingError(code: .invalidInput,
                                message: "patch size \(size) is not a positive multiple of \(architecture.sizeMultiple) (2^depth for depth \(architecture.depth))")
        }
        guard count == batch * channels * size * size else {
            throw TrainingError(code: .invalidInput,
                                message: "\(what) has \(count) values, expected \(batch) x \(channels) x \(size) x \(size) = \(batch * channels * size * size)")
        }
    }

    /// Allocates the activation buffers and scratch of one batch shape (nothing when unchanged).
    func prepare(batch: Int, size: Int, threads: Int) {
        let workers = max(1, min(threads, batch))
        if let shape, shape.batch == batch, shape.size == size, shape.workers >= workers { return }
        shape = (batch, size, workers)
        let w = architecture.widths, depth = architecture.depth
        func plane(_ level: Int) -> Int { (size >> level) * (size >> level) }
        var scratchFloats = head.scratchFloats(plane: plane(0))
        for (level, block) in encoders.enumerated() {
            block.allocate(batch: batch, plane: plane(level))
            scratchFloats = max(scratchFloats, block.scratchFloats(plane: plane(level)))
        }
        middle.allocate(batch: batch, plane: plane(depth))
        scratchFloats = max(scratchFloats, middle.scratchFloats(plane: plane(depth)))
        pooled = (0..<depth).map { FloatBuffer(count: batch * w[$0] * plane($0 + 1)) }
        pooledGradient = (0..<depth).map { FloatBuffer(count: batch * w[$0] * plane($0 + 1)) }
        concatenated = []; concatenatedGradient = []
        for (j, (up, decoder)) in zip(ups, decoders).enumerated() {
            let level = depth - 1 - j
            concatenated.append(FloatBuffer(count: batch * 2 * w[level] * plane(level)))
            concatenatedGradient.append(FloatBuffer(count: batch * 2 * w[level] * plane(level)))
            decoder.allocate(batch: batch, plane: plane(level))
            scratchFloats = max(scratchFloats, up.scratchFloats(plane: plane(level + 1)), decoder.scratchFloats(plane: plane(level)))
        }
        if architecture.dropout > 0 {
            let count = batch * w[depth] * plane(depth)
            dropoutMask = FloatBuffer(count: count)
            dropped = FloatBuffer(count: count)
            droppedGradient = FloatBuffer(count: count)
        }
        let outputs = batch * architecture.classes * plane(0)
        logits = FloatBuffer(count: outputs)
        probabilities = FloatBuffer(count: outputs)
        logitsGradient = FloatBuffer(count: outputs)
        scratch.reserve(floatsPerWorker: scratchFloats, workers: workers)
    }

    /// Runs the network into `logits`. Training: batch statistics (running ones updated) and a
    /// dropout mask drawn from `random`; evaluation: running statistics, no dropout.
    func forward(_ x: UnsafePointer<Float>, batch: Int, size: Int, training: Bool, random: inout SplitMix64, threads: Int) {
        let depth = architecture.depth, w = architecture.widths
        var input = x
        for (level, block) in encoders.enumerated() {
            let side = size >> level
            block.forward(input, batch: batch, height: side, width: side, training: training, scratch: scratch, threads: threads)
            MaxPool2.forward(block.output.pointer, pooled[level].pointer, planes: batch * w[level], height: side, width: side, threads: threads)
            input = UnsafePointer(pooled[level].pointer)
        }
        let bottom = size >> depth
        middle.forward(input, batch: batch, height: bottom, width: bottom, training: training, scratch: scratch, threads: threads)
        input = UnsafePointer(middle.output.pointer)
        if training && architecture.dropout > 0 {
            Dropout.makeMask(dropoutMask.pointer, count: dropoutMask.count, probability: architecture.dropout, random: &random)
            Dropout.apply(input, mask: dropoutMask.pointer, dropped.pointer, count: dropped.count)
            input = UnsafePointer(dropped.pointer)
        }
        for (j, (up, decoder)) in zip(ups, decoders).enumerated() {
            let level = depth - 1 - j, side = size >> level
            // [skip, up]: the transposed convolution writes its half of the concatenation in place.
            let plane = side * side
            up.forward(input, concatenated[j].pointer + w[level] * plane, batch: batch, height: side / 2, width: side / 2,
                       outputImageStride: 2 * w[level] * plane, scratch: scratch, threads: threads)
            Concat.place(encoders[level].output.pointer, channels: w[level], into: concatenated[j].pointer, first: 0, total: 2 * w[level],
                         batch: batch, plane: plane, threads: threads)
            decoder.forward(concatenated[j].pointer, batch: batch, height: side, width: side, training: training, scratch: scratch, threads: threads)
            input = UnsafePointer(decoder.output.pointer)
        }
        head.forward(input, logits.pointer, batch: batch, height: size, width: size, scratch: scratch, threads: threads)
    }

    /// Backward from `logitsGradient` after a training `forward` of the same batch: zeroes and
    /// then fills every parameter's gradient.
    func backward(_ x: UnsafePointer<Float>, batch: Int, size: Int, threads: Int) {
        let depth = architecture.depth, w = architecture.widths
        for parameter in parameters { parameter.gradient.zero() }
        let last = decoders[depth - 1]
        head.backward(input: last.output.pointer, outputGradient: logitsGradient.pointer, inputGradient: last.gradient.pointer,
                      batch: batch, height: size, width: size, scratch: scratch, threads: threads)
        for j in stride(from: depth - 1, through: 0, by: -1) {
            let level = depth - 1 - j, side = size >> level
            let decoder = decoders[j]
            decoder.backward(input: concatenated[j].pointer, inputGradient: concatenatedGradient[j].pointer,
                             batch: batch, height: side, width: side, scratch: scratch, threads: threads)
            let plane = side * side
            Concat.extract(concatenatedGradient[j].pointer, first: 0, total: 2 * w[level], into: encoders[level].gradient.pointer,
                           channels: w[level], batch: batch, plane: plane, threads: threads)
            let upInput: UnsafeMutablePointer<Float>, upInputGradient: UnsafeMutablePointer<Float>
            if j > 0 {
                (upInput, upInputGradient) = (decoders[j - 1].output.pointer, decoders[j - 1].gradient.pointer)
            } else if architecture.dropout > 0 {
                (upInput, upInputGradient) = (dropped.pointer, droppedGradient.pointer)
            } else {
                (upInput, upInputGradient) = (middle.output.pointer, middle.gradient.pointer)
            }
            ups[j].backward(input: upInput, outputGradient: concatenatedGradient[j].pointer + w[level] * plane, inputGradient: upInputGradient,
                            batch: batch, height: side / 2, width: side / 2, outputImageStride: 2 * w[level] * plane,
                            scratch: scratch, threads: threads)
        }
        if architecture.dropout > 0 {
            Dropout.apply(droppedGradient.pointer, mask: dropoutMask.pointer, middle.gradient.pointer, count: dropped.count)
        }
        let bottom = size >> depth
        middle.backward(input: pooled[depth - 1].pointer, inputGradient: pooledGradient[depth - 1].pointer,
                        batch: batch, height: bottom, width: bottom, scratch: scratch, threads: threads)
        for level in stride(from: depth - 1, through: 0, by: -1) {
            let side = size >> level, encoder = encoders[level]
            MaxPool2.backwardAdding(input: encoder.output.pointer, outputGradient: pooledGradient[level].pointer,
                                    inputGradient: encoder.gradient.pointer, planes: batch * w[level], height: side, width: side, threads: threads)
            encoder.backward(input: level == 0 ? x : UnsafePointer(pooled[level - 1].pointer),
                             inputGradient: level == 0 ? nil : pooledGradient[level - 1].pointer,
                             batch: batch, height: side, width: side, scratch: scratch, threads: threads)
        }
    }

    /// Evaluation mode (batch-norm running statistics, no dropout). `inputs` NCHW
    /// [batch, inputBands, size, size] → probabilities NCHW [batch, classes, size, size].
    public func predict(_ inputs: [Float], batch: Int, size: Int, threads: Int = 1) throws -> [Float] {
        try checkInput(count: inputs.count, batch: batch, size: size, channels: architecture.inputBands, what: "input")
        prepare(batch: batch, size: size, threads: threads)
        if BLASThreads.count != 1 { BLASThreads.set(1) }
        var unused = SplitMix64(seed: 0)
        inputs.withUnsafeBufferPointer {
            forward($0.baseAddress!, batch: batch, size: size, training: false, random: &unused, threads: threads)
        }
        Sigmoid.forward(logits.pointer, probabilities.pointer, count: logits.count)
        return probabilities.array
    }
}
