// The weight gradient of a 3x3 pad-1 stride-1 convolution by Winograd F(4x4, 3x3), for training.
//
// The forward pass (Winograd.swift) computes per tile Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and
// V = Bᵀ d B. For fixed inputs d it is linear in the kernels g, and its adjoint is
//   Z[ξ][co][t]   = A dY_t Aᵀ                    (6x6 from a tile's 4x4 output gradient)
//   dU[ξ][co][ci] = Σ_t Z[ξ][co][t] · V[ξ][ci][t] (36 GEMMs of Cout x Cin over the tiles)
//   dW[co][ci]    = Gᵀ dU[co][ci] G              (6x6 -> 3x3, in Double, once per layer)
// 36 multiply-adds per tile and channel pair instead of 144 for im2col + GEMM, and no 9x column
// matrix. V is the forward pass's input transform, reused as is.

/// 1-D adjoint of the output transform (A applied to 4 values, giving 6) on 8 lanes.
@inline(__always)
private func outputTransformAdjoint(_ y0: Lanes, _ y1: Lanes, _ y2: Lanes, _ y3: Lanes) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    let s02 = y0 + y2, s13 = y1 + y3, f02 = y0 + 4 * y2, f13 = 2 * y1 + 8 * y3
    return (y0, s02 + s13, s02 - s13, f02 + f13, f02 - f13, y3)
}

/// 1-D adjoint of the kernel transform (Gᵀ applied to 6 values, giving 3).
@inline(__always)
private func kernelTransformAdjoint(_ u: UnsafePointer<Double>, stride: Int) -> (Double, Double, Double) {
    let (u0, u1, u2, u3, u4, u5) = (u[0], u[stride], u[2 * stride], u[3 * stride], u[4 * stride], u[5 * stride])
    return (u0 / 4 - (u1 + u2) / 6 + (u3 + u4) / 24, (u2 - u1) / 6 + (u3 - u4) / 12, (u3 + u4 - u1 - u2) / 6 + u5)
}

public enum WinogradWeightGradient {
    /// V + Z floats per block: larger than the forward pass's blocks, because the GEMMs here
    /// have only Cout x Cin outputs and need many tiles (their K) to run efficiently.
    public static let blockFloats = 4 * WinogradPlan.blockFloats

    static func plan(_ input: TensorShape, outputChannels: Int, blockFloats: Int = blockFloats) -> WinogradPlan {
        WinogradPlan(input: input, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
                     cin: input.c, cout: outputChannels, blockFloats: blockFloats)
    }

    /// Workspace floats per worker for `accumulate` on an input of `input`'s shape.
    public static func workspaceFloats(input: TensorShape, outputChannels: Int, blockFloats: Int = blockFloats) -> Int {
        let plan = plan(input, outputChannels: outputChannels, blockFloats: blockFloats)
        return 36 * outputChannels * input.c + plan.workspaceFloats
    }

    /// Adds to `weightGradient` (Cout x Cin x 3 x 3) the gradient of a 3x3 pad-1 stride-1
    /// convolution of `input` (NCHW, `shape`) whose output gradient is `outputGradient`
    /// (NCHW, shape.n x Cout x shape.h x shape.w). `workspace` must hold `workspaceFloats` for
    /// `threads` workers. Workers sum their blocks apart and are added in worker order, so one
    /// thread is repeatable bit for bit. `blockFloats` sizes the blocks (tests force many small ones).
    public static func accumulate(input: UnsafePointer<Float>, shape: TensorShape, outputGradient: UnsafePointer<Float>,
                                  outputChannels cout: Int, into weightGradient: UnsafeMutablePointer<Float>,
                                  workspace: Workspace, threads: Int, blockFloats: Int = blockFloats) {
        let plan = plan(shape, outputChannels: cout, blockFloats: blockFloats), cin = shape.c
        guard plan.totalTiles > 0 else { return }
        let plane = shape.h * shape.w, uFloats = 36 * cout * cin
        let workers = max(1, min(threads, plan.blocks))
        for worker in 0..<workers { workspace.region(worker).update(repeating: 0, count: uFloats) }
        var planes: [UnsafePointer<Float>] = []
        planes.reserveCapacity(shape.n * cin)
        for index in 0..<(shape.n * cin) { planes.append(input + index * plane) }
        planes.withUnsafeBufferPointer { planes in
            parallelFor(plan.blocks, threads: workers) { block, worker in
                let first = block * plan.blockTiles, count = min(plan.blockTiles, plan.totalTiles - first)
                let du = workspace.region(worker), v = du + uFloats, z = v + 36 * cin * plan.blockTiles
                let patch = z + 36 * cout * plan.blockTiles
                Convolution.transformInputBlock(planes.baseAddress!, plan: plan, first: first, count: count, into: v, patch: patch)
                transformOutputGradient(outputGradient, plan: plan, first: first, count: count, into: z)
                for xi in 0..<36 {
                    // dU[ξ] (Cout x Cin) += Z[ξ] (Cout x count) · V[ξ]ᵀ (count x Cin)
                    blasSGEMM(transposeB: .transposed, m: cout, n: cin, k: count, a: z + xi * cout * plan.blockTiles, lda: plan.blockTiles,
                              b: v + xi * plan.vPointStride, ldb: plan.vChannelStride, beta: 1, c: du + xi * cout * cin, ldc: cin)
                }
            }
        }
        // Sum the workers' dU in worker order (in Double), then dW = Gᵀ dU G per channel pair.
        var sum = [Double](repeating: 0, count: uFloats)
        for worker in 0..<workers {
            let du = workspace.region(worker)
            for i in 0..<uFloats { sum[i] += Double(du[i]) }
        }
        sum.withUnsafeBufferPointer { u in
            var rows = [Double](repeating: 0, count: 18)  // Gᵀ along j for each row i: rows[i * 3 + b]
            for pair in 0..<(cout * cin) {
                let base = u.baseAddress! + pair, point = cout * cin  // U[ξ = i * 6 + j][pair]
                for i in 0..<6 {
                    let r = kernelTransformAdjoint(base + i * 6 * point, stride: point)
                    (rows[i * 3], rows[i * 3 + 1], rows[i * 3 + 2]) = r
                }
                let target = weightGradient + pair * 9
                rows.withUnsafeBufferPointer { rows in
                    for b in 0..<3 {
                        let r = kernelTransformAdjoint(rows.baseAddress! + b, stride: 3)
                        target[b] += Float(r.0); target[3 + b] += Float(r.1); target[6 + b] += Float(r.2)
                    }
                }
            }
        }
    }

    /// Z[ξ][co][column] = A dY Aᵀ for tiles `first ..< first + count` (output gradient zero
    /// outside the output), 8 tiles per vector.
    private static func transformOutputGradient(_ dy: UnsafePointer<Float>, plan: WinogradPlan, first: Int, count: Int,
                                                into z: UnsafeMutablePointer<Float>) {
        let oh = plan.outHeight, ow = plan.outWidth, channelStride = plan.blockTiles, pointStride = plan.cout * plan.blockTiles
        // Raw scratch: arrays in this loop would be retained, bounds-checked or (literals) allocated per use.
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 24), rowsLeft = offsets + 8, columnsLeft = offsets + 16
        let y = UnsafeMutablePointer<Lanes>.allocate(capacity: 16 + 24), t = y + 16
        defer { offsets.deallocate(); y.deallocate() }
        var group = 0
        while group < count {
            let lanes = min(8, count - group)
            var whole = lanes == 8
            // Row groups hold their tiles in V in lane order σ (Winograd+Rows.swift): Z follows it.
            let rowGroup = lanes == 8 && plan.isRowGroup(first + group)
            for lane in 0..<lanes {
                let p = plan.position(first + group + (rowGroup ? (lane % 4) * 2 + lane / 4 : lane))
                offsets[lane] = p.image * plan.cout * oh * ow + p.outputY * ow + p.outputX
                (rowsLeft[lane], columnsLeft[lane]) = (min(4, oh - p.outputY), min(4, ow - p.outputX))
                whole = whole && plan.isWhole(p)
            }
            for co in 0..<plan.cout {
                let channel = dy + co * oh * ow
                if whole {
                    for r in 0..<4 {
                        for c in 0..<4 {
                            let k = r * ow + c
                            y[r * 4 + c] = Lanes(channel[offsets[0] + k], channel[offsets[1] + k], channel[offsets[2] + k], channel[offsets[3] + k],
                                                 channel[offsets[4] + k], channel[offsets[5] + k], channel[offsets[6] + k], channel[offsets[7] + k])
                        }
                    }
                } else {
                    for r in 0..<4 {
                        for c in 0..<4 {
                            var value = Lanes()
                            for lane in 0..<lanes where r < rowsLeft[lane] && c < columnsLeft[lane] { value[lane] = channel[offsets[lane] + r * ow + c] }
                            y[r * 4 + c] = value
                        }
                    }
                }
                // A down each column (4 rows -> 6), then along each of the 6 rows (4 -> 6): ξ = i * 6 + j.
                for c in 0..<4 {
                    let r = outputTransformAdjoint(y[c], y[4 + c], y[8 + c], y[12 + c])
                    (t[c], t[4 + c], t[8 + c], t[12 + c], t[16 + c], t[20 + c]) = r
                }
                let target = z + co * channelStride + group
                for i in 0..<6 {
                    let r = outputTransformAdjoint(t[i * 4], t[i * 4 + 1], t[i * 4 + 2], t[i * 4 + 3])
                    let cell = target + i * 6 * pointStride
                    if lanes == 8 {
                        storeTransformed(r, at: UnsafeMutableRawPointer(cell), stride: pointStride * MemoryLayout<Float>.stride)
                    } else {
                        for lane in 0..<lanes {
                            cell[lane] = r.0[lane]; cell[pointStride + lane] = r.1[lane]; cell[2 * pointStride + lane] = r.2[lane]
                            cell[3 * pointStride + lane] = r.3[lane]; cell[4 * pointStride + lane] = r.4[lane]; cell[5 * pointStride + lane] = r.5[lane]
                        }
                    }
                }
            }
            group += lanes
        }
    }
}
