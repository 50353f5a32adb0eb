// Vectorized Winograd transforms: 8 tiles at a time, one tile per SIMD lane, so the 1-D
// transforms run as vector arithmetic and V/M are read and written 8 contiguous floats at a time.
// Groups with a tile on the image border (zero padding) take the scalar path in Winograd.swift.

typealias Lanes = SIMD8<Float>

/// 1-D input transform B^T on 8 lanes (shared with the row-group path in Winograd+Rows.swift).
@inline(__always)
func inputTransform(_ a0: Lanes, _ a1: Lanes, _ a2: Lanes, _ a3: Lanes, _ a4: Lanes, _ a5: Lanes)
    -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    (4 * a0 - 5 * a2 + a4, -4 * (a1 + a2) + a3 + a4, 4 * (a1 - a2) - a3 + a4,
     2 * (a3 - a1) - a2 + a4, 2 * (a1 - a3) - a2 + a4, 4 * a1 - 5 * a3 + a5)
}

/// 1-D output transform A^T on 8 lanes.
@inline(__always)
func outputTransform(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes, _ m4: Lanes, _ m5: Lanes)
    -> (Lanes, Lanes, Lanes, Lanes) {
    let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
    return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
}

/// Stores one input-transform row (6 transform points, 8 tiles each) to V, `stride` bytes apart.
@inline(__always)
func storeTransformed(_ r: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes), at base: UnsafeMutableRawPointer, stride: Int) {
    base.storeBytes(of: r.0, as: Lanes.self)
    (base + stride).storeBytes(of: r.1, as: Lanes.self)
    (base + 2 * stride).storeBytes(of: r.2, as: Lanes.self)
    (base + 3 * stride).storeBytes(of: r.3, as: Lanes.self)
    (base + 4 * stride).storeBytes(of: r.4, as: Lanes.self)
    (base + 5 * stride).storeBytes(of: r.5, as: Lanes.self)
}

/// Where one tile sits: image, top-left input pixel (after padding), output block origin.
struct TilePosition {
    let image: Int, inputY: Int, inputX: Int, outputY: Int, outputX: Int
}

extension WinogradPlan {
    func position(_ tile: Int) -> TilePosition {
        let perImage = tilesH * tilesW, r = tile % perImage
        let ty = r / tilesW, tx = r % tilesW
        return TilePosition(image: tile / perImage, inputY: ty * 4 - padTop, inputX: tx * 4 - padLeft,
                            outputY: ty * 4, outputX: tx * 4)
    }

    func isInterior(_ p: TilePosition) -> Bool {
        p.inputY >= 0 && p.inputX >= 0 && p.inputY + 6 <= height && p.inputX + 6 <= width
    }

    func isWhole(_ p: TilePosition) -> Bool { p.outputY + 4 <= outHeight && p.outputX + 4 <= outWidth }
}

extension Convolution {
    static func transformInputBlock(_ input: UnsafePointer<UnsafePointer<Float>>, plan: WinogradPlan, first: Int, count: Int,
                             into v: UnsafeMutablePointer<Float>, patch: UnsafeMutablePointer<Float>) {
        let h = plan.height, w = plan.width, pointStride = plan.vPointStride
        // Scratch as raw pointers: arrays captured by the inner loads would be retained per call.
        let t = UnsafeMutablePointer<Lanes>.allocate(capacity: 36), valid = UnsafeMutablePointer<Lanes>.allocate(capacity: 36)
        let o = UnsafeMutablePointer<Int>.allocate(capacity: 8), image = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        let lane = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 8)
        defer { t.deallocate(); valid.deallocate(); o.deallocate(); image.deallocate(); lane.deallocate() }
        var group = 0
        while group + 8 <= count {
            if plan.isRowGroup(first + group) {  // done below, channel by channel
                group += 8
                continue
            }
            var interior = true
            for lane in 0..<8 {
                let position = plan.position(first + group + lane)
                (o[lane], image[lane]) = (position.inputY * w + position.inputX, position.image)
                interior = interior && plan.isInterior(position)
            }
            if !interior {
                // Border groups: a mask per patch cell and lane, so out-of-image taps read as zero.
                for k in 0..<36 {
                    var mask = Lanes()
                    for lane in 0..<8 {
                        let position = plan.position(first + group + lane)
                        let y = position.inputY + k / 6, x = position.inputX + k % 6
                        mask[lane] = y >= 0 && y < h && x >= 0 && x < w ? 1 : 0
                    }
                    valid[k] = mask
                }
            }
            for c in 0..<plan.cin {
                // Each lane's window origin in its own image's channel plane.
                for l in 0..<8 { lane[l] = input[image[l] * plan.cin + c] + o[l] }
                @inline(__always) func load(_ i: Int, _ j: Int) -> Lanes {
                    let k = i * w + j
                    if interior {
                        return Lanes(lane[0][k], lane[1][k], lane[2][k], lane[3][k], lane[4][k], lane[5][k], lane[6][k], lane[7][k])
                    }
                    let mask = valid[i * 6 + j]
                    var lanes = Lanes()
                    for l in 0..<8 where mask[l] != 0 { lanes[l] = lane[l][k] }
                    return lanes
                }
                // Columns first (B^T d), then each row of the result (· B), stored to V[ξ][c][group...].
                for j in 0..<6 {
                    let r = inputTransform(load(0, j), load(1, j), load(2, j), load(3, j), load(4, j), load(5, j))
                    (t[j], t[6 + j], t[12 + j], t[18 + j], t[24 + j], t[30 + j]) = r
                }
                let target = UnsafeMutableRawPointer(v + c * plan.vChannelStride + group)
                let stride = pointStride * MemoryLayout<Float>.stride
                for i in 0..<6 {
                    let r = inputTransform(t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5])
                    storeTransformed(r, at: target + i * 6 * stride, stride: stride)
                }
            }
            group += 8
        }
        Self.transformInputRowGroups(input, plan: plan, first: first, count: count, into: v, chunks: t)
        if group < count {
            Self.transformInput(input, plan: plan, first: first + group, count: count - group, column: group, into: v, patch: patch)
        }
    }

    func transformOutputBlock(_ m: UnsafeMutablePointer<Float>, plan: WinogradPlan, first: Int, count: Int,
                              into output: UnsafeMutablePointer<Float>, bias: UnsafeBufferPointer<Float>) {
        let oh = plan.outHeight, ow = plan.outWidth, pointStride = plan.mPointStride
        let activation = self.activation
        let a = UnsafeMutablePointer<Lanes>.allocate(capacity: 40), o = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        defer { a.deallocate(); o.deallocate() }
        var group = 0
        while group < count {
            let lanes = min(8, count - group)
            if lanes == 8 && plan.isRowGroup(first + group) {  // done below, channel by channel
                group += 8
                continue
            }
            var whole = lanes == 8
            for lane in 0..<lanes {
                let position = plan.position(first + group + lane)
                o[lane] = (position.image * plan.cout) * oh * ow + position.outputY * ow + position.outputX
                whole = whole && plan.isWhole(position)
            }
            guard whole else {
                transformOutput(m, plan: plan, first: first + group, count: lanes, column: group, into: output, bias: bias)
                group += lanes
                continue
            }
            for co in 0..<plan.cout {
                let source = UnsafeRawPointer(m + co * plan.mChannelStride + group)
                let stride = pointStride * MemoryLayout<Float>.stride
                @inline(__always) func load(_ xi: Int) -> Lanes { source.loadUnaligned(fromByteOffset: xi * stride, as: Lanes.self) }
                // Rows of M (A^T along j), then columns (A^T along i): 4x4 outputs per lane.
                for i in 0..<6 {
                    let r = outputTransform(load(i * 6), load(i * 6 + 1), load(i * 6 + 2), load(i * 6 + 3),
                                            load(i * 6 + 4), load(i * 6 + 5))
                    (a[i * 4], a[i * 4 + 1], a[i * 4 + 2], a[i * 4 + 3]) = r
                }
                let b = Lanes(repeating: bias[co])
                let plane = output + co * oh * ow
                for j in 0..<4 {
                    let r = outputTransform(a[j], a[4 + j], a[8 + j], a[12 + j], a[16 + j], a[20 + j])
                    let r0 = finishLanes(r.0 + b, activation), r1 = finishLanes(r.1 + b, activation)
                    let r2 = finishLanes(r.2 + b, activation), r3 = finishLanes(r.3 + b, activation)
                    for lane in 0..<8 {
                        let cell = plane + o[lane] + j
                        cell[0] = r0[lane]; cell[ow] = r1[lane]; cell[2 * ow] = r2[lane]; cell[3 * ow] = r3[lane]
                    }
                }
            }
            group += 8
        }
        transformOutputRowGroups(m, plan: plan, first: first, count: count, into: output, bias: bias, scratch: a)
    }
}
