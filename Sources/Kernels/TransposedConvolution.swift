/// A transposed convolution (ONNX ConvTranspose) prepared for fast execution:
/// `cols = W^T * x` by OpenBLAS, then col2im scatters the columns into the output. When stride
/// equals kernel (no pads, no dilation) `runTiled` writes the columns straight into place
/// (TransposedConvolution+Stride.swift).
public final class TransposedConvolution: PlannedKernel, @unchecked Sendable {
    public let geometry: ConvGeometry
    /// Extra rows/columns at the bottom/right of the output (ONNX output_padding).
    public let outputPadding: (h: Int, w: Int)
    public let inputChannels: Int
    public let outputChannels: Int
    public let activation: Activation?
    /// Cin x (Cout / groups) x kH x kW, ONNX layout: per group a Cin/g x (Cout/g * kH * kW) matrix.
    let weights: [Float]
    let bias: [Float]
    /// On AVX-512 CPUs, for `runTiled`: each group's W^T ((Cout/g * kH * kW) x Cin/g) packed for
    /// `packedGEMM512`, group after group (empty otherwise).
    let packedWeights: [Float]

    public init(weights: Tensor, bias: [Float], geometry: ConvGeometry, outputPadding: (h: Int, w: Int) = (0, 0),
                activation: Activation? = nil) {
        precondition(weights.shape.n % geometry.groups == 0, "input channels not divisible by groups")
        precondition(weights.shape.h == geometry.kernelH && weights.shape.w == geometry.kernelW, "kernel size mismatch")
        self.geometry = geometry
        self.outputPadding = outputPadding
        self.inputChannels = weights.shape.n
        self.outputChannels = weights.shape.c * geometry.groups
        precondition(bias.isEmpty || bias.count == outputChannels, "bias has \(bias.count) values")
        self.activation = activation
        self.weights = weights.storage
        self.bias = bias.isEmpty ? [Float](repeating: 0, count: outputChannels) : bias
        let g = geometry
        let tiles = g.strideH == g.kernelH && g.strideW == g.kernelW && g.dilationH == 1 && g.dilationW == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        self.packedWeights = tiles && CPUFeatures.avx512
            ? packTransposedWeights(weights.storage, inputChannels: weights.shape.n, columns: weights.shape.c * g.kernelH * g.kernelW,
                                    groups: g.groups) : []
    }

    public func outputShape(for input: TensorShape) -> TensorShape {
        let (h, w) = geometry.transposedOutput(h: input.h, w: input.w)
        return TensorShape(n: input.n, c: outputChannels, h: h + outputPadding.h, w: w + outputPadding.w)
    }

    var taps: Int { geometry.kernelH * geometry.kernelW }
    var outputChannelsPerGroup: Int { outputChannels / geometry.groups }

    private func blockColumns(for input: TensorShape) -> Int {
        min(max(input.h * input.w, 1), max(64, 131_072 / (outputChannelsPerGroup * taps) / 16 * 16))
    }

    public func workspaceFloats(for input: TensorShape) -> Int {
        tilesOutput ? tiledWorkspaceFloats(for: input) : outputChannelsPerGroup * taps * blockColumns(for: input)
    }

    public func run(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                    workspace: Workspace, threads: Int) {
        precondition(s.c == inputChannels, "input has \(s.c) channels, transposed convolution expects \(inputChannels)")
        if tilesOutput {
            runTiled(input: input, shape: s, output: output, workspace: workspace, threads: threads)
            return
        }
        let g = geometry, out = outputShape(for: s), outPlane = out.h * out.w, inPlane = s.h * s.w
        let groups = g.groups, cinG = inputChannels / groups, coutG = outputChannelsPerGroup, taps = self.taps
        let columns = blockColumns(for: s)
        // Work items own disjoint output channels, so overlapping kernel footprints never race.
        let chunks = max(1, min(coutG, (threads + s.n * groups - 1) / (s.n * groups)))
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                parallelFor(s.n * groups * chunks, threads: threads) { item, worker in
                    let chunk = item % chunks, group = (item / chunks) % groups, n = item / (chunks * groups)
                    let co0 = chunk * coutG / chunks, co1 = (chunk + 1) * coutG / chunks
                    let firstChannel = n * outputChannels + group * coutG
                    let target = output + firstChannel * outPlane
                    for co in co0..<co1 { (target + co * outPlane).initialize(repeating: 0, count: outPlane) }
                    let cols = workspace.region(worker)
                    let source = input + (n * s.c + group * cinG) * inPlane
                    var p0 = 0
                    while p0 < inPlane {
                        let count = min(columns, inPlane - p0)
                        // cols[(co1-co0)*kH*kW x count] = W_g^T * x[CinG x count]; W_g is CinG x (CoutG*kH*kW), row-major
                        sgemmTransposedA(m: (co1 - co0) * taps, n: count, k: cinG,
                                         a: w.baseAddress! + group * cinG * coutG * taps + co0 * taps, lda: coutG * taps,
                                         b: source + p0, ldb: inPlane, c: cols, ldc: count)
                        for co in co0..<co1 {
                            let plane = target + co * outPlane
                            for ky in 0..<g.kernelH {
                                for kx in 0..<g.kernelW {
                                    let row = cols + (((co - co0) * g.kernelH + ky) * g.kernelW + kx) * count
                                    for j in 0..<count {
                                        let p = p0 + j, iy = p / s.w, ix = p % s.w
                                        let oy = iy * g.strideH - g.padTop + ky * g.dilationH
                                        let ox = ix * g.strideW - g.padLeft + kx * g.dilationW
                                        if oy >= 0 && oy < out.h && ox >= 0 && ox < out.w { plane[oy * out.w + ox] += row[j] }
                                    }
                                }
                            }
                        }
                        p0 += count
                    }
                    for co in co0..<co1 {
                        applyEpilogue(target + co * outPlane, count: outPlane, bias: bias[group * coutG + co],
                                      activation: activation)
                    }
                }
            }
        }
    }
}
