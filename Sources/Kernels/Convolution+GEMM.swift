// Blocked im2col + GEMM and direct depthwise convolution.

extension Convolution {
    var isPointwise: Bool {
        let g = geometry
        return g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
    }

    /// The column buffer of one work item: rows = (Cin / groups) * kH * kW, columns = output
    /// pixels per block, chosen so the buffer stays around 512 KB (in L2) whatever the layer.
    func im2colBlock(for input: TensorShape) -> (rows: Int, columns: Int) {
        let rows = inputChannels / geometry.groups * geometry.kernelH * geometry.kernelW
        let (oh, ow) = geometry.convOutput(h: input.h, w: input.w)
        let columns = min(max(oh * ow, 1), max(64, (131_072 / max(rows, 1)) / 16 * 16))
        return (rows, columns)
    }

    func runGEMM(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                 workspace: Workspace, threads: Int) {
        let g = geometry, groups = g.groups
        let (oh, ow) = g.convOutput(h: s.h, w: s.w)
        let outPlane = oh * ow, inPlane = s.h * s.w
        guard outPlane > 0 else { return }
        let cinG = inputChannels / groups, coutG = outputChannels / groups
        let block = im2colBlock(for: s)
        let blocks = (outPlane + block.columns - 1) / block.columns
        let pointwise = isPointwise
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                parallelFor(s.n * groups * blocks, threads: threads) { item, worker in
                    let b = item % blocks, group = (item / blocks) % groups, n = item / (blocks * groups)
                    let p0 = b * block.columns, count = min(block.columns, outPlane - p0)
                    let source = input + (n * s.c + group * cinG) * inPlane
                    let target = output + (n * outputChannels + group * coutG) * outPlane + p0
                    let a = w.baseAddress! + group * coutG * block.rows
                    if pointwise {
                        // out[CoutG x count] = W[CoutG x CinG] * in[CinG x count], row-major, ld = H*W
                        sgemm(m: coutG, n: count, k: cinG, a: a, lda: cinG, b: source + p0, ldb: inPlane,
                              c: target, ldc: outPlane)
                    } else {
                        let cols = workspace.region(worker)
                        im2col(source, height: s.h, width: s.w, channels: cinG, outWidth: ow,
                               first: p0, count: count, into: cols)
                        // out[CoutG x count] = W[CoutG x CinG*kH*kW] * cols[CinG*kH*kW x count], row-major
                        sgemm(m: coutG, n: count, k: block.rows, a: a, lda: block.rows, b: cols, ldb: count,
                              c: target, ldc: outPlane)
                    }
                    for co in 0..<coutG {
                        applyEpilogue(target + co * outPlane, count: count, bias: bias[group * coutG + co],
                                      activation: activation)
                    }
                }
            }
        }
    }

    /// Fills `cols` (rows = channels * kH * kW, `count` columns) with the input values under each
    /// kernel tap for output pixels `first ..< first + count` (row-major over the output plane).
    private func im2col(_ source: UnsafePointer<Float>, height: Int, width: Int, channels: Int, outWidth: Int,
                        first: Int, count: Int, into cols: UnsafeMutablePointer<Float>) {
        let g = geometry
        var row = 0
        for c in 0..<channels {
            let plane = source + c * height * width
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    let dst = cols + row * count
                    var j = 0
                    while j < count {
                        let p = first + j, y = p / outWidth, x0 = p % outWidth
                        let run = min(outWidth - x0, count - j)
                        let iy = y * g.strideH - g.padTop + ky * g.dilationH
                        if iy < 0 || iy >= height {
                            for t in 0..<run { dst[j + t] = 0 }
                        } else {
                            let line = plane + iy * width
                            let offset = kx * g.dilationW - g.padLeft
                            for t in 0..<run {
                                let ix = (x0 + t) * g.strideW + offset
                                dst[j + t] = ix >= 0 && ix < width ? line[ix] : 0
                            }
                        }
                        j += run
                    }
                    row += 1
                }
            }
        }
    }

    func runDepthwise(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                      threads: Int) {
        let g = geometry
        let (oh, ow) = g.convOutput(h: s.h, w: s.w)
        let multiplier = outputChannels / g.groups, taps = g.kernelH * g.kernelW
        weights.withUnsafeBufferPointer { w in
            parallelFor(s.n * outputChannels, threads: threads) { item, _ in
                let co = item % outputChannels, n = item / outputChannels
                let plane = input + (n * s.c + co / multiplier) * s.h * s.w
                let target = output + item * oh * ow
                let kernel = w.baseAddress! + co * taps
                for y in 0..<oh {
                    for x in 0..<ow {
                        var sum: Float = 0
                        for ky in 0..<g.kernelH {
                            let iy = y * g.strideH - g.padTop + ky * g.dilationH
                            guard iy >= 0 && iy < s.h else { continue }
                            for kx in 0..<g.kernelW {
                                let ix = x * g.strideW - g.padLeft + kx * g.dilationW
                                guard ix >= 0 && ix < s.w else { continue }
                                sum += plane[iy * s.w + ix] * kernel[ky * g.kernelW + kx]
                            }
                        }
                        target[y * ow + x] = sum
                    }
                }
                applyEpilogue(target, count: oh * ow, bias: bias[co], activation: activation)
            }
        }
    }
}
