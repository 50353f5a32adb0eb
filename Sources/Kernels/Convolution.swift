/// A convolution prepared for repeated fast execution: weights laid out once for the algorithm
/// chosen for its geometry, then run on raw NCHW buffers with a shared `Workspace`.
public final class Convolution: PlannedKernel, @unchecked Sendable {
    /// How the convolution is computed.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// Blocked im2col (a few hundred output pixels at a time, so the column buffer stays in
        /// cache) and OpenBLAS GEMM; 1x1 stride-1 convolutions skip im2col and read the input in place.
        case gemm
        /// One input channel per group (depthwise and channel multipliers): direct loops.
        case depthwise
        /// Winograd F(4x4, 3x3) for 3x3 stride-1 undilated ungrouped convolutions: 36 GEMMs over
        /// transformed tiles instead of 144 multiplications per 4x4 output block (4x fewer).
        case winograd
    }

    public let geometry: ConvGeometry
    public let inputChannels: Int
    public let outputChannels: Int
    public let activation: Activation?
    public let algorithm: Algorithm
    /// Cout x (Cin / groups) x kH x kW, ONNX layout = the GEMM's A matrix per group.
    let weights: [Float]
    /// Cout values (zeros when the model has none).
    let bias: [Float]
    /// Winograd on OpenBLAS: 36 x Cout x Cin, the transformed kernels `G g G^T` by transform point.
    let winogradWeights: [Float]
    /// Winograd on AVX-512 CPUs: each U[ξ] packed in 8-row blocks for `packedGEMM512` (empty otherwise).
    let packedWinogradWeights: [Float]

    /// `weights` is Cout x (Cin / groups) x kH x kW; `algorithm` nil picks the fastest that applies.
    public init(weights: Tensor, bias: [Float], geometry: ConvGeometry, activation: Activation? = nil,
                algorithm: Algorithm? = nil) {
        precondition(weights.shape.h == geometry.kernelH && weights.shape.w == geometry.kernelW, "kernel size mismatch")
        precondition(bias.isEmpty || bias.count == weights.shape.n, "bias has \(bias.count) values for \(weights.shape.n) channels")
        self.geometry = geometry
        self.outputChannels = weights.shape.n
        self.inputChannels = weights.shape.c * geometry.groups
        self.activation = activation
        self.weights = weights.storage
        self.bias = bias.isEmpty ? [Float](repeating: 0, count: weights.shape.n) : bias
        let chosen = algorithm ?? Convolution.bestAlgorithm(geometry, inputChannelsPerGroup: weights.shape.c)
        precondition(Convolution.supports(chosen, geometry, inputChannelsPerGroup: weights.shape.c),
                     "\(chosen) does not apply to \(geometry)")
        self.algorithm = chosen
        // Winograd keeps U in one form only: packed for the AVX-512 GEMM, or plain for OpenBLAS
        // (for the reference U-Net each form is ~124 MB).
        let u = chosen == .winograd
            ? winogradTransformWeights(weights.storage, outputChannels: weights.shape.n, inputChannels: weights.shape.c) : []
        let packed = chosen == .winograd && CPUFeatures.avx512
        self.packedWinogradWeights = packed ? packWinogradWeights(u, outputChannels: weights.shape.n, inputChannels: weights.shape.c) : []
        self.winogradWeights = packed ? [] : u
    }

    public static func supports(_ algorithm: Algorithm, _ g: ConvGeometry, inputChannelsPerGroup: Int) -> Bool {
        switch algorithm {
        case .gemm: true
        case .depthwise: inputChannelsPerGroup == 1
        case .winograd:
            g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1
                && g.dilationW == 1 && g.groups == 1
        }
    }

    static func bestAlgorithm(_ g: ConvGeometry, inputChannelsPerGroup: Int) -> Algorithm {
        if supports(.winograd, g, inputChannelsPerGroup: inputChannelsPerGroup) { return .winograd }
        if inputChannelsPerGroup == 1 && g.groups > 1 { return .depthwise }
        return .gemm
    }

    public func outputShape(for input: TensorShape) -> TensorShape {
        let (h, w) = geometry.convOutput(h: input.h, w: input.w)
        return TensorShape(n: input.n, c: outputChannels, h: h, w: w)
    }

    /// Scratch floats each worker needs for an input of this shape.
    public func workspaceFloats(for input: TensorShape) -> Int {
        switch algorithm {
        case .depthwise: return 0
        case .gemm: return isPointwise ? 0 : im2colBlock(for: input).rows * im2colBlock(for: input).columns
        case .winograd: return WinogradPlan(input: input, geometry: geometry, cin: inputChannels, cout: outputChannels).workspaceFloats
        }
    }

    /// Runs on `input` (NCHW, `shape`) into `output` (NCHW, `outputShape(for: shape)`).
    /// `workspace` must hold `workspaceFloats(for: shape)` floats for `threads` workers.
    public func run(input: UnsafePointer<Float>, shape: TensorShape, output: UnsafeMutablePointer<Float>,
                    workspace: Workspace, threads: Int) {
        precondition(shape.c == inputChannels, "input has \(shape.c) channels, convolution expects \(inputChannels)")
        switch algorithm {
        case .gemm: runGEMM(input: input, shape: shape, output: output, workspace: workspace, threads: threads)
        case .depthwise: runDepthwise(input: input, shape: shape, output: output, threads: threads)
        case .winograd: run(sources: [(input, shape)], output: output, workspace: workspace, threads: threads)
        }
    }

    /// Runs on the channel concatenation of `sources` (NCHW tensors that agree but for channels),
    /// read in place: how the engine runs a U-Net's skip Concat fused into the convolution after
    /// it. Winograd only.
    public func run(sources: [(pointer: UnsafePointer<Float>, shape: TensorShape)], output: UnsafeMutablePointer<Float>,
                    workspace: Workspace, threads: Int) {
        precondition(algorithm == .winograd, "only Winograd convolutions read concatenated sources")
        guard let shape = concatenatedShape(sources.map(\.shape), axis: 1) else { preconditionFailure("sources do not concatenate") }
        precondition(shape.c == inputChannels, "sources have \(shape.c) channels, convolution expects \(inputChannels)")
        let plane = shape.h * shape.w
        // planes[n * Cin + c]: channel c of image n, in whichever source holds it.
        var planes: [UnsafePointer<Float>] = []
        planes.reserveCapacity(shape.n * shape.c)
        for n in 0..<shape.n {
            for source in sources {
                for c in 0..<source.shape.c { planes.append(source.pointer + (n * source.shape.c + c) * plane) }
            }
        }
        planes.withUnsafeBufferPointer {
            runWinograd(planes: $0.baseAddress!, shape: shape, output: output, workspace: workspace, threads: threads)
        }
    }
}
