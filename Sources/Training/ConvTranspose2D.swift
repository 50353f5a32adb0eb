import Kernels

/// 2x2 stride-2 transposed convolution with bias: each input pixel paints a 2x2 output block.
/// Weights Cin x Cout x 2 x 2 (PyTorch and ONNX layout), so per image
/// T[(Cout·4) x HW] = Wᵀ · X_n and y[co, 2i+ky, 2j+kx] = T[co·4 + ky·2 + kx, i·W + j] + b[co].
final class ConvTranspose2D {
    let inputChannels: Int
    let outputChannels: Int
    let weight: Parameter
    let bias: Parameter

    init(name: String, inputChannels: Int, outputChannels: Int) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        weight = Parameter(name: name + ".weight", shape: [inputChannels, outputChannels, 2, 2])
        bias = Parameter(name: name + ".bias", shape: [outputChannels])
    }

    var parameters: [Parameter] { [weight, bias] }

    /// PyTorch and Keras both take fan_in = Cout·4 and fan_out = Cin·4 for transposed kernels.
    func initialize(_ scheme: WeightInitialization, _ random: inout SplitMix64) {
        let bound = scheme.bound(fanIn: outputChannels * 4, fanOut: inputChannels * 4)
        for i in 0..<weight.value.count { weight.value.pointer[i] = random.symmetric(bound) }
        bias.value.zero()
    }

    /// Scratch floats per worker for an input plane of `plane` pixels.
    func scratchFloats(plane: Int) -> Int { outputChannels * 4 * plane + inputChannels * outputChannels * 4 + outputChannels }

    /// `x` is batch x Cin x H x W; `y` batch x Cout x 2H x 2W, image n at `y + n · outputImageStride`
    /// (default Cout·4HW; a U-Net writes straight into its skip concatenation this way).
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, height: Int, width: Int,
                 outputImageStride: Int? = nil, scratch: Scratch, threads: Int) {
        let plane = height * width, rows = outputChannels * 4, imageStride = outputImageStride ?? rows * plane
        let w = UnsafePointer(weight.value.pointer), b = bias.value.pointer
        parallelFor(batch, threads: threads) { n, worker in
            let t = scratch.region(worker)
            blasSGEMM(transposeA: .transposed, m: rows, n: plane, k: inputChannels, a: w, lda: rows,
                      b: x + n * inputChannels * plane, ldb: plane, beta: 0, c: t, ldc: plane)
            let target = y + n * imageStride
            for co in 0..<outputChannels {
                let out = target + co * 4 * plane, shift = b[co]
                for ky in 0..<2 {
                    let even = t + (co * 4 + ky * 2) * plane, odd = even + plane
                    for i in 0..<height {
                        let line = out + (2 * i + ky) * 2 * width
                        let e = even + i * width, o = odd + i * width
                        for j in 0..<width {
                            line[2 * j] = e[j] + shift
                            line[2 * j + 1] = o[j] + shift
                        }
                    }
                }
            }
        }
    }

    /// `dy` image n at `dy + n · outputImageStride` (default Cout·4HW), as in `forward`.
    func backward(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>,
                  batch: Int, height: Int, width: Int, outputImageStride: Int? = nil, scratch: Scratch, threads: Int) {
        let plane = height * width, rows = outputChannels * 4, imageStride = outputImageStride ?? rows * plane
        let workers = max(1, min(threads, batch))
        for worker in 0..<workers {
            scratch.region(worker).advanced(by: rows * plane).update(repeating: 0, count: inputChannels * rows + outputChannels)
        }
        let w = UnsafePointer(weight.value.pointer)
        parallelFor(batch, threads: threads) { n, worker in
            let g = scratch.region(worker), weightSum = g + rows * plane, biasSum = weightSum + inputChannels * rows
            let source = dy + n * imageStride
            // Gather dy into G[(co·4 + ky·2 + kx) x HW], the layout of T in the forward pass.
            for co in 0..<outputChannels {
                let from = source + co * 4 * plane
                for ky in 0..<2 {
                    let even = g + (co * 4 + ky * 2) * plane, odd = even + plane
                    for i in 0..<height {
                        let line = from + (2 * i + ky) * 2 * width
                        let e = even + i * width, o = odd + i * width
                        for j in 0..<width {
                            e[j] = line[2 * j]
                            o[j] = line[2 * j + 1]
                        }
                    }
                }
                biasSum[co] += vectorSum(from, count: 4 * plane)
            }
            let image = x + n * inputChannels * plane
            // dW[Cin x Cout·4] += X[Cin x HW] · Gᵀ ; dX[Cin x HW] = W · G
            blasSGEMM(transposeB: .transposed, m: inputChannels, n: rows, k: plane, a: image, lda: plane, b: g, ldb: plane,
                      beta: 1, c: weightSum, ldc: rows)
            blasSGEMM(m: inputChannels, n: plane, k: rows, a: w, lda: rows, b: g, ldb: plane, beta: 0,
                      c: dx + n * inputChannels * plane, ldc: plane)
        }
        for worker in 0..<workers {
            let weightSum = scratch.region(worker) + rows * plane
            for i in 0..<inputChannels * rows { weight.gradient.pointer[i] += weightSum[i] }
            for co in 0..<outputChannels { bias.gradient.pointer[co] += weightSum[inputChannels * rows + co] }
        }
    }
}
