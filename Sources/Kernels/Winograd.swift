import Foundation
import KernelsAVX512

// Winograd F(4x4, 3x3) (Lavin & Gray 2016, interpolation points 0, ±1, ±2, ∞).
//
// Each 4x4 output block comes from a 6x6 input patch d: Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A.
// Per layer, for a block of T tiles (so the buffers below stay in cache):
//   V[36][Cin][T]   = B^T d B       for every input channel and tile   (input transform)
//   M[Cout][36][T]  = U[ξ] * V[ξ]   for each of the 36 points ξ        (36 GEMMs: KernelsAVX512 or OpenBLAS)
//   Y               = A^T M A + bias, activation, written into NCHW    (output transform)
// U[36][Cout][Cin] = G g G^T is computed once per layer when the plan is built.

/// 1-D input transform B^T applied to 6 values.
@inline(__always)
private func inputTransform(_ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ a4: Float, _ a5: Float)
    -> (Float, Float, Float, Float, Float, Float) {
    (4 * a0 - 5 * a2 + a4, -4 * (a1 + a2) + a3 + a4, 4 * (a1 - a2) - a3 + a4,
     2 * (a3 - a1) - a2 + a4, 2 * (a1 - a3) - a2 + a4, 4 * a1 - 5 * a3 + a5)
}

/// 1-D output transform A^T applied to 6 values.
@inline(__always)
private func outputTransform(_ m0: Float, _ m1: Float, _ m2: Float, _ m3: Float, _ m4: Float, _ m5: Float)
    -> (Float, Float, Float, Float) {
    let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
    return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
}

/// 1-D kernel transform G applied to 3 values.
@inline(__always)
private func kernelTransform(_ g0: Double, _ g1: Double, _ g2: Double) -> (Double, Double, Double, Double, Double, Double) {
    (g0 / 4, -(g0 + g1 + g2) / 6, -(g0 - g1 + g2) / 6, g0 / 24 + g1 / 12 + g2 / 6, g0 / 24 - g1 / 12 + g2 / 6, g2)
}

/// Transforms Cout x Cin x 3 x 3 weights into U[36][Cout][Cin] (in Double, then rounded once).
/// Tuples, not arrays, in the loop: a worker prepares ~1M kernels of a U-Net at start-up.
func winogradTransformWeights(_ weights: [Float], outputChannels: Int, inputChannels: Int) -> [Float] {
    var u = [Float](repeating: 0, count: 36 * outputChannels * inputChannels)
    weights.withUnsafeBufferPointer { w in
        u.withUnsafeMutableBufferPointer { u in
            for co in 0..<outputChannels {
                for ci in 0..<inputChannels {
                    let g = w.baseAddress! + (co * inputChannels + ci) * 9
                    // rows[i] = G applied to kernel row i (3 -> 6), then G applied down each column.
                    let r0 = kernelTransform(Double(g[0]), Double(g[1]), Double(g[2]))
                    let r1 = kernelTransform(Double(g[3]), Double(g[4]), Double(g[5]))
                    let r2 = kernelTransform(Double(g[6]), Double(g[7]), Double(g[8]))
                    // Column j of the rows through G gives U[i * 6 + j] for i = 0...5.
                    func column(_ j: Int, _ a: Double, _ b: Double, _ c: Double) {
                        let t = kernelTransform(a, b, c)
                        let base = (j * outputChannels + co) * inputChannels + ci, step = 6 * outputChannels * inputChannels
                        u[base] = Float(t.0); u[base + step] = Float(t.1); u[base + 2 * step] = Float(t.2)
                        u[base + 3 * step] = Float(t.3); u[base + 4 * step] = Float(t.4); u[base + 5 * step] = Float(t.5)
                    }
                    column(0, r0.0, r1.0, r2.0); column(1, r0.1, r1.1, r2.1); column(2, r0.2, r1.2, r2.2)
                    column(3, r0.3, r1.3, r2.3); column(4, r0.4, r1.4, r2.4); column(5, r0.5, r1.5, r2.5)
                }
            }
        }
    }
    return u
}

/// U packed for `packedGEMM512`: for each of the 36 points, U[ξ] (Cout x Cin) in 8-row blocks.
func packWinogradWeights(_ u: [Float], outputChannels: Int, inputChannels: Int) -> [Float] {
    let size = packedFloats(rows: outputChannels, depth: inputChannels)
    var packed = [Float](repeating: 0, count: 36 * size)
    u.withUnsafeBufferPointer { u in
        packed.withUnsafeMutableBufferPointer { packed in
            for xi in 0..<36 {
                packRowBlocks(u.baseAddress! + xi * outputChannels * inputChannels, rows: outputChannels,
                              depth: inputChannels, lda: inputChannels, into: packed.baseAddress! + xi * size)
            }
        }
    }
    return packed
}

/// Tile bookkeeping for one Winograd convolution on one input shape.
struct WinogradPlan {
    let height: Int, width: Int, outHeight: Int, outWidth: Int
    let tilesH: Int, tilesW: Int, totalTiles: Int
    /// Tiles per work item (T): the GEMMs' N; V and M together are 36 * (Cin + Cout) * T floats.
    let blockTiles: Int
    let cin: Int, cout: Int
    let padTop: Int, padLeft: Int

    /// `blockFloats`: V + M floats to aim for per block (the weight gradient takes larger blocks).
    init(input: TensorShape, geometry: ConvGeometry, cin: Int, cout: Int, blockFloats: Int = WinogradPlan.blockFloats) {
        (height, width, self.cin, self.cout) = (input.h, input.w, cin, cout)
        (outHeight, outWidth) = geometry.convOutput(h: input.h, w: input.w)
        (padTop, padLeft) = (geometry.padTop, geometry.padLeft)
        tilesH = (max(outHeight, 0) + 3) / 4
        tilesW = (max(outWidth, 0) + 3) / 4
        totalTiles = input.n * tilesH * tilesW
        // V + M of about `blockFloats` per block, with N = T kept >= 32 for GEMM efficiency.
        var target = max(32, blockFloats / (36 * (cin + cout)) / 8 * 8)
        if target * 2 >= tilesW && tilesW % 8 == 0 {
            // Whole tile rows per block, so the input transform reads each image row front to back
            // (prefetch-friendly; measured ~5-10% faster on the reference U-Net than partial rows).
            target = max(1, (target + tilesW / 2) / tilesW) * tilesW
        }
        blockTiles = max(1, min(totalTiles, target))
    }

    /// Floats of V + M per block: 384 KB stays in L2 next to the weights and input rows (measured
    /// against 192 KB, 768 KB and 1.5 MB). PIPELINE_WINOGRAD_BLOCK_FLOATS overrides it, for tuning.
    static let blockFloats = Int(ProcessInfo.processInfo.environment["PIPELINE_WINOGRAD_BLOCK_FLOATS"] ?? "") ?? 98_304

    var blocks: Int { (totalTiles + blockTiles - 1) / blockTiles }
    /// V is laid out [36][Cin][T]: the GEMM for point ξ reads contiguous rows T apart. M is laid
    /// out [Cout][36][T]: the output transform reads one channel's 36 points from one 144 T-byte
    /// span instead of 36 rows far apart (measured: output transform 14% -> 9% of the pass).
    var vPointStride: Int { cin * blockTiles }
    var vChannelStride: Int { blockTiles }
    var mPointStride: Int { blockTiles }
    var mChannelStride: Int { 36 * blockTiles }
    var workspaceFloats: Int { 36 * (cin + cout) * blockTiles + 36 }
}

extension Convolution {
    /// `planes[n * Cin + c]` is input channel c of image n (a plane of `s.h x s.w`), so the input
    /// may be one tensor or a channel concatenation of several, read in place.
    func runWinograd(planes input: UnsafePointer<UnsafePointer<Float>>, shape s: TensorShape,
                     output: UnsafeMutablePointer<Float>, workspace: Workspace, threads: Int) {
        let plan = WinogradPlan(input: s, geometry: geometry, cin: inputChannels, cout: outputChannels)
        guard plan.totalTiles > 0 else { return }
        winogradWeights.withUnsafeBufferPointer { u in
            bias.withUnsafeBufferPointer { bias in
                if plan.blocks >= threads {
                    // Enough blocks: each worker transforms, multiplies and writes whole blocks.
                    parallelFor(plan.blocks, threads: threads) { block, worker in
                        let first = block * plan.blockTiles, count = min(plan.blockTiles, plan.totalTiles - first)
                        runWinogradBlock(input, plan: plan, first: first, count: count, u: u, bias: bias, output: output,
                                         scratch: workspace.region(worker), threads: 1)
                    }
                } else {
                    // Deep layers of small inputs have fewer blocks than workers: share each block.
                    for block in 0..<plan.blocks {
                        let first = block * plan.blockTiles, count = min(plan.blockTiles, plan.totalTiles - first)
                        runWinogradBlock(input, plan: plan, first: first, count: count, u: u, bias: bias, output: output,
                                         scratch: workspace.region(0), threads: threads)
                    }
                }
            }
        }
    }

    /// One block of tiles `first ..< first + count`: input transform, 36 GEMMs, output transform,
    /// with V and M in `scratch`. With `threads` > 1, each phase is split among workers (groups of
    /// 8 tiles for the transforms, transform points for the GEMMs).
    private func runWinogradBlock(_ input: UnsafePointer<UnsafePointer<Float>>, plan: WinogradPlan, first: Int, count: Int,
                                  u: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                                  output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let v = scratch, m = scratch + 36 * plan.cin * plan.blockTiles
        let patch = m + 36 * plan.cout * plan.blockTiles
        // Transforms: the whole block at once, or groups of 8 tiles shared among workers.
        func inGroups(_ body: (_ offset: Int, _ size: Int) -> Void) {
            if threads == 1 { return body(0, count) }
            parallelFor((count + 7) / 8, threads: threads) { group, _ in body(group * 8, min(8, count - group * 8)) }
        }
        inGroups { offset, size in
            let patch = threads == 1 ? patch : .allocate(capacity: 36)
            defer { if threads > 1 { patch.deallocate() } }
            Self.transformInputBlock(input, plan: plan, first: first + offset, count: size, into: v + offset, patch: patch)
        }
        // (Nothing of KernelsAVX512 may run on a CPU without AVX-512, not even its size helper.)
        let packedSize = packedWinogradWeights.count / 36
        packedWinogradWeights.withUnsafeBufferPointer { packed in
            parallelFor(36, threads: threads) { xi, _ in
                // M[·][ξ] (Cout x count, rows 36 T apart) = U[ξ] (Cout x Cin) * V[ξ] (Cin x count, rows T apart)
                if !packed.isEmpty, let packed = packed.baseAddress {
                    packedGEMM512(rows: plan.cout, n: count, depth: plan.cin, packedA: packed + xi * packedSize,
                                  b: v + xi * plan.vPointStride, ldb: plan.vChannelStride, c: m + xi * plan.mPointStride, ldc: plan.mChannelStride)
                } else {
                    sgemm(m: plan.cout, n: count, k: plan.cin, a: u.baseAddress! + xi * plan.cout * plan.cin,
                          lda: plan.cin, b: v + xi * plan.vPointStride, ldb: plan.vChannelStride, c: m + xi * plan.mPointStride, ldc: plan.mChannelStride)
                }
            }
        }
        inGroups { offset, size in
            transformOutputBlock(m + offset, plan: plan, first: first + offset, count: size, into: output, bias: bias)
        }
    }

    /// Scalar input transform of tiles `first ..< first + count`, written at V columns `column ..< column + count`.
    static func transformInput(_ input: UnsafePointer<UnsafePointer<Float>>, plan: WinogradPlan, first: Int, count: Int, column: Int,
                        into v: UnsafeMutablePointer<Float>, patch d: UnsafeMutablePointer<Float>) {
        let tilesPerImage = plan.tilesH * plan.tilesW, h = plan.height, w = plan.width
        let pointStride = plan.vPointStride
        for t in 0..<count {
            let tile = first + t, n = tile / tilesPerImage, r = tile % tilesPerImage
            let y0 = (r / plan.tilesW) * 4 - plan.padTop, x0 = (r % plan.tilesW) * 4 - plan.padLeft
            let interior = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w
            for c in 0..<plan.cin {
                let plane = input[n * plan.cin + c]
                // d = the 6x6 patch (zero outside the image), row-major.
                if interior {
                    for i in 0..<6 {
                        let line = plane + (y0 + i) * w + x0
                        for j in 0..<6 { d[i * 6 + j] = line[j] }
                    }
                } else {
                    for i in 0..<6 {
                        let y = y0 + i
                        for j in 0..<6 {
                            let x = x0 + j
                            d[i * 6 + j] = y >= 0 && y < h && x >= 0 && x < w ? plane[y * w + x] : 0
                        }
                    }
                }
                // Columns: B^T d, in place.
                for j in 0..<6 {
                    let r = inputTransform(d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j])
                    (d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j]) = r
                }
                // Rows: (B^T d) B, scattered to V[ξ][c][t].
                let target = v + c * plan.vChannelStride + column + t
                for i in 0..<6 {
                    let row = d + i * 6
                    let r = inputTransform(row[0], row[1], row[2], row[3], row[4], row[5])
                    let base = target + i * 6 * pointStride
                    base[0] = r.0; base[pointStride] = r.1; base[2 * pointStride] = r.2
                    base[3 * pointStride] = r.3; base[4 * pointStride] = r.4; base[5 * pointStride] = r.5
                }
            }
        }
    }

    /// Scalar output transform of tiles `first ..< first + count`, read from M columns `column ..< column + count`.
    func transformOutput(_ m: UnsafeMutablePointer<Float>, plan: WinogradPlan, first: Int, count: Int, column: Int,
                         into output: UnsafeMutablePointer<Float>, bias: UnsafeBufferPointer<Float>) {
        let tilesPerImage = plan.tilesH * plan.tilesW, oh = plan.outHeight, ow = plan.outWidth
        let pointStride = plan.mPointStride
        var rows = (Float(0), Float(0), Float(0), Float(0))
        let activation = self.activation
        @inline(__always) func finish(_ x: Float) -> Float { activation?.apply(x) ?? x }
        var tmp = [Float](repeating: 0, count: 24)
        tmp.withUnsafeMutableBufferPointer { tmpBuffer in
            let a = tmpBuffer.baseAddress!  // 6 rows x 4 columns: A^T applied along each row of M
            for t in 0..<count {
                let tile = first + t, n = tile / tilesPerImage, r = tile % tilesPerImage
                let y0 = (r / plan.tilesW) * 4, x0 = (r % plan.tilesW) * 4
                let rowsLeft = min(4, oh - y0), colsLeft = min(4, ow - x0)
                for co in 0..<plan.cout {
                    let source = m + co * plan.mChannelStride + column + t
                    for i in 0..<6 {
                        let s = source + i * 6 * pointStride
                        let o = outputTransform(s[0], s[pointStride], s[2 * pointStride], s[3 * pointStride],
                                                s[4 * pointStride], s[5 * pointStride])
                        (a[i * 4], a[i * 4 + 1], a[i * 4 + 2], a[i * 4 + 3]) = o
                    }
                    let b = bias[co]
                    let plane = output + (n * plan.cout + co) * oh * ow
                    for j in 0..<colsLeft {
                        rows = outputTransform(a[j], a[4 + j], a[8 + j], a[12 + j], a[16 + j], a[20 + j])
                        let column = plane + y0 * ow + x0 + j
                        column[0] = finish(rows.0 + b)
                        if rowsLeft > 1 { column[ow] = finish(rows.1 + b) }
                        if rowsLeft > 2 { column[2 * ow] = finish(rows.2 + b) }
                        if rowsLeft > 3 { column[3 * ow] = finish(rows.3 + b) }
                    }
                }
            }
        }
    }
}
