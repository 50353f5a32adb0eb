import Kernels

/// 3x3 (padding 1) or 1x1 convolution, stride 1, with optional bias, as im2col + OpenBLAS GEMM
/// per image. Weights Cout x Cin x k x k (PyTorch and ONNX layout).
///
/// Forward: Y_n[Cout x HW] = W[Cout x K] · cols_n[K x HW], K = Cin·k·k.
/// Backward: dW += dY_n · cols_nᵀ (cols rebuilt from the saved input rather than stored), then
/// the column gradient Wᵀ · dY_n is written into the same scratch and folded back (col2im).
///
/// With Winograd (3x3 on large enough planes), the forward pass and the input gradient run on the
/// Kernels' Winograd F(4x4, 3x3) convolution instead: the input gradient of a 3x3 pad-1
/// convolution is itself one, of dY with the kernels flipped and Cin/Cout swapped; the weight
/// gradient runs on the Kernels' `WinogradWeightGradient` (the adjoint of the forward transform).
final class Conv2D {
    enum Algorithm: Sendable {
        case gemm, winograd
        /// Winograd when the batch has at least `winogradMinimumPixels` pixels per channel:
        /// below that (a U-Net's bottleneck) the per-step weight transform costs more than it saves.
        case automatic
    }
    static let winogradMinimumPixels = 2048
    /// The weight gradient runs on Winograd only on batches of at least this many pixels per
    /// channel. On tiny planes many true gradients are exactly 0 (taps that only ever meet zero
    /// padding or dead pixels); GEMM keeps them 0, Winograd leaves ±1e-9 residues that Adam's
    /// normalization turns into full learning-rate steps. On large planes such taps do not occur.
    static let winogradWeightGradientMinimumPixels = 1024
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let weight: Parameter
    let bias: Parameter?
    let algorithm: Algorithm

    init(name: String, inputChannels: Int, outputChannels: Int, kernel: Int, bias: Bool, algorithm: Algorithm? = nil) {
        precondition(kernel == 1 || kernel == 3, "only 1x1 and 3x3 convolutions")
        precondition(kernel == 3 || algorithm == nil || algorithm == .gemm, "Winograd is for 3x3 convolutions")
        self.algorithm = algorithm ?? (kernel == 3 ? .automatic : .gemm)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        weight = Parameter(name: name + ".weight", shape: [outputChannels, inputChannels, kernel, kernel])
        self.bias = bias ? Parameter(name: name + ".bias", shape: [outputChannels]) : nil
    }

    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// fan_in = Cin·k·k, fan_out = Cout·k·k (as Keras and PyTorch compute them).
    func initialize(_ scheme: WeightInitialization, _ random: inout SplitMix64) {
        let taps = kernel * kernel
        let bound = scheme.bound(fanIn: inputChannels * taps, fanOut: outputChannels * taps)
        for i in 0..<weight.value.count { weight.value.pointer[i] = random.symmetric(bound) }
        bias?.value.zero()
    }

    private var columnRows: Int { inputChannels * kernel * kernel }

    /// Scratch floats per worker for a plane of `plane` pixels.
    func scratchFloats(plane: Int) -> Int {
        (kernel == 1 ? 0 : columnRows * plane) + outputChannels * columnRows + outputChannels
    }

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, height: Int, width: Int,
                 scratch: Scratch, threads: Int) {
        if usesWinograd(batch: batch, height: height, width: width) {
            let kernels = Tensor(shape: TensorShape(n: outputChannels, c: inputChannels, h: 3, w: 3), storage: weight.value.array)
            runWinograd(kernels, bias: bias?.value.array ?? [], x, y, channels: inputChannels, batch: batch, height: height, width: width,
                        workspace: scratch.winograd, threads: threads)
            return
        }
        let plane = height * width, k = columnRows
        let w = UnsafePointer(weight.value.pointer)
        parallelFor(batch, threads: threads) { n, worker in
            let source = x + n * inputChannels * plane, target = y + n * outputChannels * plane
            var columns = source
            if kernel == 3 {
                let cols = scratch.region(worker)
                im2col3x3(source, channels: inputChannels, height: height, width: width, into: cols)
                columns = UnsafePointer(cols)
            }
            blasSGEMM(m: outputChannels, n: plane, k: k, a: w, lda: k, b: columns, ldb: plane, beta: 0, c: target, ldc: plane)
            if let bias {
                for co in 0..<outputChannels {
                    let b = bias.value.pointer[co], row = target + co * plane
                    for i in 0..<plane { row[i] += b }
                }
            }
        }
    }

    /// Adds this batch's weight and bias gradients; writes the input gradient when `dx` is given.
    func backward(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  batch: Int, height: Int, width: Int, scratch: Scratch, threads: Int) {
        if usesWinograd(batch: batch, height: height, width: width), batch * height * width >= Conv2D.winogradWeightGradientMinimumPixels {
            backwardWinograd(input: x, outputGradient: dy, inputGradient: dx, batch: batch, height: height, width: width,
                             workspace: scratch.winograd, threads: threads)
            return
        }
        let plane = height * width, k = columnRows
        let columnsFloats = kernel == 1 ? 0 : k * plane
        let winograd = usesWinograd(batch: batch, height: height, width: width)
        let workers = max(1, min(threads, batch))
        for worker in 0..<workers {
            scratch.region(worker).advanced(by: columnsFloats).update(repeating: 0, count: outputChannels * k + outputChannels)
        }
        let w = UnsafePointer(weight.value.pointer)
        parallelFor(batch, threads: threads) { n, worker in
            let region = scratch.region(worker)
            let weightSum = region + columnsFloats, biasSum = weightSum + outputChannels * k
            let source = x + n * inputChannels * plane, gradient = dy + n * outputChannels * plane
            var columns = source
            if kernel == 3 {
                im2col3x3(source, channels: inputChannels, height: height, width: width, into: region)
                columns = UnsafePointer(region)
            }
            // dW[Cout x K] += dY[Cout x HW] · colsᵀ
            blasSGEMM(transposeB: .transposed, m: outputChannels, n: k, k: plane, a: gradient, lda: plane,
                      b: columns, ldb: plane, beta: 1, c: weightSum, ldc: k)
            if bias != nil {
                for co in 0..<outputChannels {
                    biasSum[co] += vectorSum(gradient + co * plane, count: plane)
                }
            }
            guard let dx, !winograd else { return }
            let target = dx + n * inputChannels * plane
            if kernel == 1 {
                // dX[Cin x HW] = Wᵀ · dY
                blasSGEMM(transposeA: .transposed, m: k, n: plane, k: outputChannels, a: w, lda: k, b: gradient, ldb: plane,
                          beta: 0, c: target, ldc: plane)
            } else {
                blasSGEMM(transposeA: .transposed, m: k, n: plane, k: outputChannels, a: w, lda: k, b: gradient, ldb: plane,
                          beta: 0, c: region, ldc: plane)
                col2im3x3(region, channels: inputChannels, height: height, width: width, into: target)
            }
        }
        // Partial sums are added in worker order (single-threaded runs are bit-for-bit repeatable).
        for worker in 0..<workers {
            let weightSum = scratch.region(worker) + columnsFloats
            for i in 0..<outputChannels * k { weight.gradient.pointer[i] += weightSum[i] }
            if let bias {
                for co in 0..<outputChannels { bias.gradient.pointer[co] += weightSum[outputChannels * k + co] }
            }
        }
        if winograd, let dx {
            winogradInputGradient(dy, dx, batch: batch, height: height, width: width, workspace: scratch.winograd, threads: threads)
        }
    }

    /// The Winograd backward pass: dW by the Kernels' Winograd weight gradient (the adjoint of the
    /// forward transform), dX as a Winograd convolution of dY with flipped, transposed kernels.
    private func backwardWinograd(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                                  inputGradient dx: UnsafeMutablePointer<Float>?, batch: Int, height: Int, width: Int,
                                  workspace: Workspace, threads: Int) {
        let plane = height * width
        if let bias {
            // Per channel, images in order: the sum does not depend on the thread count.
            parallelFor(outputChannels, threads: threads) { co, _ in
                var sum: Float = 0
                for n in 0..<batch { sum += vectorSum(dy + (n * outputChannels + co) * plane, count: plane) }
                bias.gradient.pointer[co] += sum
            }
        }
        let shape = TensorShape(n: batch, c: inputChannels, h: height, w: width)
        workspace.reserve(floatsPerWorker: WinogradWeightGradient.workspaceFloats(input: shape, outputChannels: outputChannels),
                          workers: max(1, threads))
        WinogradWeightGradient.accumulate(input: x, shape: shape, outputGradient: dy, outputChannels: outputChannels,
                                          into: weight.gradient.pointer, workspace: workspace, threads: threads)
        if let dx { winogradInputGradient(dy, dx, batch: batch, height: height, width: width, workspace: workspace, threads: threads) }
    }

    /// dX = conv(dY, W') on Winograd, W'[ci, co, ky, kx] = W[co, ci, 2 - ky, 2 - kx].
    private func winogradInputGradient(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, batch: Int, height: Int, width: Int,
                                       workspace: Workspace, threads: Int) {
        var flipped = [Float](repeating: 0, count: weight.value.count)
        let w = weight.value.pointer
        for co in 0..<outputChannels {
            for ci in 0..<inputChannels {
                for tap in 0..<9 { flipped[(ci * outputChannels + co) * 9 + 8 - tap] = w[(co * inputChannels + ci) * 9 + tap] }
            }
        }
        let kernels = Tensor(shape: TensorShape(n: inputChannels, c: outputChannels, h: 3, w: 3), storage: flipped)
        runWinograd(kernels, bias: [], dy, dx, channels: outputChannels, batch: batch, height: height, width: width,
                    workspace: workspace, threads: threads)
    }

    private func usesWinograd(batch: Int, height: Int, width: Int) -> Bool {
        switch algorithm {
        case .gemm: false
        case .winograd: true
        case .automatic: batch * height * width >= Conv2D.winogradMinimumPixels
        }
    }

    private func runWinograd(_ kernels: Tensor, bias: [Float], _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             channels: Int, batch: Int, height: Int, width: Int, workspace: Workspace, threads: Int) {
        let convolution = Convolution(weights: kernels, bias: bias, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
                                      algorithm: .winograd)
        let shape = TensorShape(n: batch, c: channels, h: height, w: width)
        workspace.reserve(floatsPerWorker: convolution.workspaceFloats(for: shape), workers: max(1, threads))
        convolution.run(input: x, shape: shape, output: y, workspace: workspace, threads: threads)
    }
}
