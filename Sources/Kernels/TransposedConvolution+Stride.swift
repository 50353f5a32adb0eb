/// Transposed convolution whose stride equals its kernel (the U-Net's 2x2 stride-2 upsampler).
///
/// With dilation 1 and no pads the kernel footprints tile the output without overlapping: output
/// pixel (iy * kH + ky, ix * kW + kx) of channel co is exactly
/// `bias[co] + sum_ci W[ci][co][ky][kx] * x[ci][iy][ix]`, one GEMM column entry. So the columns
/// are written straight into the output (no zeroing, no accumulation, no per-pixel division) with
/// bias and activation applied while each output row is in cache.
extension TransposedConvolution {
    /// Whether `runTiled` applies: footprints tile the output exactly (output_padding is allowed).
    var tilesOutput: Bool {
        let g = geometry
        return g.strideH == g.kernelH && g.strideW == g.kernelW && g.dilationH == 1 && g.dilationW == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
    }

    /// Input rows per GEMM: whole rows (so the scatter walks iy, ix without `/` and `%`), as many as
    /// keep the columns block within ~512 KB (it is read back right away by the scatter), at least one.
    func tiledBlockRows(for input: TensorShape) -> Int {
        let rowFloats = max(1, outputChannelsPerGroup * taps * input.w)
        return max(1, min(input.h, 131_072 / rowFloats))
    }

    func tiledWorkspaceFloats(for input: TensorShape) -> Int {
        outputChannelsPerGroup * taps * input.w * tiledBlockRows(for: input)
    }

    /// Work items are (image, group, block of input rows): each writes a disjoint band of output
    /// rows in its group's channels, so a batch-1 layer still splits across the threads.
    func runTiled(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                  workspace: Workspace, threads: Int) {
        let g = geometry, out = outputShape(for: s), outPlane = out.h * out.w, inPlane = s.h * s.w
        let kH = g.kernelH, kW = g.kernelW, groups = g.groups
        let cinG = inputChannels / groups, coutG = outputChannelsPerGroup, taps = self.taps
        // Enough blocks for every thread when images x groups alone are too few, never larger than
        // the block `workspaceFloats` reserved for.
        let wantedBlocks = max(1, (threads + s.n * groups - 1) / (s.n * groups))
        let rows = min(tiledBlockRows(for: s), max(1, (s.h + wantedBlocks - 1) / wantedBlocks))
        let blocks = (s.h + rows - 1) / rows
        // Output columns/rows past the footprints (output_padding) get no contribution.
        let coveredW = s.w * kW, coveredH = s.h * kH
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                parallelFor(s.n * groups * blocks, threads: threads) { item, worker in
                    let block = item % blocks, group = (item / blocks) % groups, n = item / (blocks * groups)
                    let iy0 = block * rows, iy1 = min(s.h, iy0 + rows), count = (iy1 - iy0) * s.w
                    let target = output + (n * outputChannels + group * coutG) * outPlane
                    let cols = workspace.region(worker)
                    // cols[(CoutG*kH*kW) x count] = W_g^T * x[CinG x count]; W_g is CinG x (CoutG*kH*kW), row-major
                    sgemmTransposedA(m: coutG * taps, n: count, k: cinG,
                                     a: w.baseAddress! + group * cinG * coutG * taps, lda: coutG * taps,
                                     b: input + (n * s.c + group * cinG) * inPlane + iy0 * s.w, ldb: inPlane,
                                     c: cols, ldc: count)
                    for co in 0..<coutG {
                        let b = bias[group * coutG + co], plane = target + co * outPlane
                        for iy in iy0..<iy1 {
                            for ky in 0..<kH {
                                let row = plane + (iy * kH + ky) * out.w
                                // Tap (ky, kx) of this channel is cols row (co*kH + ky)*kW + kx.
                                let tap = cols + (co * kH + ky) * kW * count + (iy - iy0) * s.w
                                if kW == 2 {
                                    let even = tap, odd = tap + count
                                    for ix in 0..<s.w {
                                        row[2 * ix] = even[ix] + b
                                        row[2 * ix + 1] = odd[ix] + b
                                    }
                                } else {
                                    for kx in 0..<kW {
                                        let values = tap + kx * count
                                        for ix in 0..<s.w { row[ix * kW + kx] = values[ix] + b }
                                    }
                                }
                                if coveredW < out.w { (row + coveredW).update(repeating: b, count: out.w - coveredW) }
                                activation?.apply(to: row, count: out.w)
                            }
                        }
                        // The block holding the last input row also owns the output_padding rows.
                        if iy1 == s.h && coveredH < out.h {
                            let rest = plane + coveredH * out.w, restCount = (out.h - coveredH) * out.w
                            rest.initialize(repeating: b, count: restCount)
                            activation?.apply(to: rest, count: restCount)
                        }
                    }
                }
            }
        }
    }
}
