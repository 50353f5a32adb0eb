import KernelsAVX512

/// Per group, W_g^T ((Cout/g * kH * kW) x Cin/g) packed for `packedGEMM512`, from ONNX's
/// Cin x (Cout/g * kH * kW) layout (`columns` = Cout/g * kH * kW).
func packTransposedWeights(_ w: [Float], inputChannels: Int, columns: Int, groups: Int) -> [Float] {
    let cinG = inputChannels / groups, size = packedFloats(rows: columns, depth: cinG)
    var packed = [Float](repeating: 0, count: groups * size)
    var transposed = [Float](repeating: 0, count: columns * cinG)
    for group in 0..<groups {
        for ci in 0..<cinG {
            for r in 0..<columns { transposed[r * cinG + ci] = w[(group * cinG + ci) * columns + r] }
        }
        transposed.withUnsafeBufferPointer { t in
            packed.withUnsafeMutableBufferPointer {
                packRowBlocks(t.baseAddress!, rows: columns, depth: cinG, lda: cinG, into: $0.baseAddress! + group * size)
            }
        }
    }
    return packed
}

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
        weights.withUnsafeBufferPointer { w in packedWeights.withUnsafeBufferPointer { packed in
            bias.withUnsafeBufferPointer { bias in
                parallelFor(s.n * groups * blocks, threads: threads) { item, worker in
                    let block = item % blocks, group = (item / blocks) % groups, n = item / (blocks * groups)
                    let iy0 = block * rows, iy1 = min(s.h, iy0 + rows), count = (iy1 - iy0) * s.w
                    let target = output + (n * outputChannels + group * coutG) * outPlane
                    let cols = workspace.region(worker)
                    // cols[(CoutG*kH*kW) x count] = W_g^T * x[CinG x count]; W_g is CinG x (CoutG*kH*kW), row-major
                    let x = input + (n * s.c + group * cinG) * inPlane + iy0 * s.w
                    if !packed.isEmpty, count % 16 == 0, let packed = packed.baseAddress {
                        // (count a multiple of 16: the AVX-512 GEMM reads no column past the block.)
                        packedGEMM512(rows: coutG * taps, n: count, depth: cinG,
                                      packedA: packed + group * packedFloats(rows: coutG * taps, depth: cinG),
                                      b: x, ldb: inPlane, c: cols, ldc: count)
                    } else {
                        sgemmTransposedA(m: coutG * taps, n: count, k: cinG,
                                         a: w.baseAddress! + group * cinG * coutG * taps, lda: coutG * taps,
                                         b: x, ldb: inPlane, c: cols, ldc: count)
                    }
                    for co in 0..<coutG {
                        let b = bias[group * coutG + co], plane = target + co * outPlane
                        for iy in iy0..<iy1 {
                            for ky in 0..<kH {
                                let row = plane + (iy * kH + ky) * out.w
                                // Tap (ky, kx) of this channel is cols row (co*kH + ky)*kW + kx.
                                let tap = cols + (co * kH + ky) * kW * count + (iy - iy0) * s.w
                                if kW == 2 {
                                    interleavePairs(even: tap, odd: tap + count, count: s.w, adding: b, into: row)
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
        } }
    }
}

/// `row[2 i] = even[i] + b`, `row[2 i + 1] = odd[i] + b`: 8 pairs at a time with two interleaving
/// shuffles (the scalar loop was not vectorized and cost as much as the layer's GEMM).
@inline(__always)
private func interleavePairs(even: UnsafePointer<Float>, odd: UnsafePointer<Float>, count: Int, adding b: Float,
                             into row: UnsafeMutablePointer<Float>) {
    typealias Lanes = SIMD8<Float>
    let bias = Lanes(repeating: b), target = UnsafeMutableRawPointer(row)
    var i = 0
    while i + 8 <= count {
        let e = UnsafeRawPointer(even + i).loadUnaligned(as: Lanes.self) + bias
        let o = UnsafeRawPointer(odd + i).loadUnaligned(as: Lanes.self) + bias
        target.storeBytes(of: Lanes(e[0], o[0], e[1], o[1], e[2], o[2], e[3], o[3]), toByteOffset: 8 * i, as: Lanes.self)
        target.storeBytes(of: Lanes(e[4], o[4], e[5], o[5], e[6], o[6], e[7], o[7]), toByteOffset: 8 * i + 32, as: Lanes.self)
        i += 8
    }
    while i < count {
        row[2 * i] = even[i] + b
        row[2 * i + 1] = odd[i] + b
        i += 1
    }
}
