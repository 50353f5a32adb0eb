// Winograd transforms for a "row group": 8 horizontally adjacent tiles in one tile row whose
// 4 x 32 output block lies inside the output (every group when the output width is a multiple
// of 32 and the height of 4). Their 6 x 34 input window and 4 x 32 output block are contiguous
// rows, so the transforms use plain vector loads and stores, and turn "8 pixels per vector"
// into "8 tiles per vector" with 4 x 4 transposes inside each 128-bit half (unpack + move
// halves, 8 shuffles), instead of the per-lane gathers of the general path.
//
// The price of those cheap transposes is the lane order: lane L holds tile σ(L) with
// σ = (0, 2, 4, 6, 1, 3, 5, 7), in V and M alike. Input and output of a row group use the same
// order, and the GEMMs do not care about column order, so results are unchanged.

// inputTransform / outputTransform on 8 lanes: Winograd+Vector.swift.

@inline(__always) private func unpackLow(_ a: Lanes, _ b: Lanes) -> Lanes { Lanes(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]) }
@inline(__always) private func unpackHigh(_ a: Lanes, _ b: Lanes) -> Lanes { Lanes(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]) }
// The second level works on 64-bit pairs: the bitcast between the levels keeps LLVM from merging
// them into 4-input shuffles, which it lowered to a broadcast and a blend per element.
private typealias Pairs = SIMD4<Double>
@inline(__always) private func lowPairs(_ a: Lanes, _ b: Lanes) -> Lanes {
    let x = unsafeBitCast(a, to: Pairs.self), y = unsafeBitCast(b, to: Pairs.self)
    return unsafeBitCast(Pairs(x[0], y[0], x[2], y[2]), to: Lanes.self)
}
@inline(__always) private func highPairs(_ a: Lanes, _ b: Lanes) -> Lanes {
    let x = unsafeBitCast(a, to: Pairs.self), y = unsafeBitCast(b, to: Pairs.self)
    return unsafeBitCast(Pairs(x[1], y[1], x[3], y[3]), to: Lanes.self)
}
/// The upper half of `a`, then the lower half of `b`.
@inline(__always) private func upperThenLower(_ a: Lanes, _ b: Lanes) -> Lanes { Lanes(a[4], a[5], a[6], a[7], b[0], b[1], b[2], b[3]) }

/// 4 x 4 transpose inside each 128-bit half: result k = (a[k], b[k], c[k], d[k], a[4+k], b[4+k], c[4+k], d[4+k]).
@inline(__always)
private func transposeHalves(_ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    let ab0 = unpackLow(a, b), cd0 = unpackLow(c, d), ab1 = unpackHigh(a, b), cd1 = unpackHigh(c, d)
    return (lowPairs(ab0, cd0), highPairs(ab0, cd0), lowPairs(ab1, cd1), highPairs(ab1, cd1))
}

/// Window columns 0...5 of 8 tiles (lane order σ) from 40 consecutive pixels in chunks c0...c4:
/// columns 0-3 are the transposed chunks; column 4 (5) is tiles 0, 2, 4, 6 of column 0 (1) one
/// tile further on, i.e. the upper half of column 0 (1), then column 0 (1) of chunks c1...c4.
@inline(__always)
private func windowColumns(_ c0: Lanes, _ c1: Lanes, _ c2: Lanes, _ c3: Lanes, _ c4: Lanes)
    -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
    let (j0, j1, j2, j3) = transposeHalves(c0, c1, c2, c3)
    let n12 = unpackLow(c1, c2), n34 = unpackLow(c3, c4)
    return (j0, j1, j2, j3, upperThenLower(j0, lowPairs(n12, n34)), upperThenLower(j1, highPairs(n12, n34)))
}

extension WinogradPlan {
    /// True when tiles `tile ..< tile + 8` lie in one tile row of one image and their 4 x 32
    /// output block inside the output.
    func isRowGroup(_ tile: Int) -> Bool {
        let perImage = tilesH * tilesW
        guard tile + 8 <= totalTiles, tile / perImage == (tile + 7) / perImage,
              (tile % perImage) / tilesW == ((tile + 7) % perImage) / tilesW else { return false }
        let origin = position(tile)
        return origin.outputY + 4 <= outHeight && origin.outputX + 32 <= outWidth
    }
}

extension Convolution {
    /// Input transform of every row group among tiles `first ..< first + count` (V columns from 0).
    /// Channels are the outer loop, so each channel's rows are read front to back (prefetch-friendly).
    /// `t` holds 30 vectors (column-transformed chunks).
    static func transformInputRowGroups(_ input: UnsafePointer<UnsafePointer<Float>>, plan: WinogradPlan, first: Int, count: Int,
                                 into v: UnsafeMutablePointer<Float>, chunks t: UnsafeMutablePointer<Lanes>) {
        let h = plan.height, w = plan.width
        let groups = stride(from: 0, to: count - 7, by: 8).filter { plan.isRowGroup(first + $0) }
        let positions = groups.map { plan.position(first + $0) }
        let pointStride = plan.vPointStride
        for c in 0..<plan.cin {
            for g in groups.indices {  // (indices, not zip: zip's iterator was not inlined here)
                let column = groups[g], position = positions[g]
                let y0 = position.inputY, x0 = position.inputX
                let channel = input[position.image * plan.cin + c]
                // B^T down the 6 rows, 8 pixels at a time: t[k * 5 + q] = row k of B^T d, pixels 8q ..< 8q + 8.
                @inline(__always) func columnPass(_ load: (_ i: Int, _ q: Int) -> Lanes) {
                    for q in 0..<5 {
                        let r = inputTransform(load(0, q), load(1, q), load(2, q), load(3, q), load(4, q), load(5, q))
                        (t[q], t[5 + q], t[10 + q], t[15 + q], t[20 + q], t[25 + q]) = r
                    }
                }
                if y0 >= 0 && y0 + 6 <= h && x0 >= 0 && x0 + 40 <= w {
                    let raw = UnsafeRawPointer(channel + y0 * w + x0), byteStride = w * 4
                    columnPass { i, q in raw.loadUnaligned(fromByteOffset: i * byteStride + q * 32, as: Lanes.self) }
                } else {
                    // The window reaches past the image (zero padding, or fewer than 40 pixels left in the row).
                    columnPass { i, q in borderChunk(channel, y: y0 + i, x: x0 + 8 * q, height: h, width: w) }
                }
                // · B along each row, with tiles as lanes; V[k * 6 + l][c][column ..< column + 8].
                let target = UnsafeMutableRawPointer(v + c * plan.vChannelStride + column), stride = pointStride * 4
                for k in 0..<6 {
                    let d = windowColumns(t[k * 5], t[k * 5 + 1], t[k * 5 + 2], t[k * 5 + 3], t[k * 5 + 4])
                    let r = inputTransform(d.0, d.1, d.2, d.3, d.4, d.5)
                    storeTransformed(r, at: target + k * 6 * stride, stride: stride)
                }
            }
        }
    }

    /// Output transform of every row group among tiles `first ..< first + count` (M columns
    /// from 0); adds bias, applies the activation. Output channels are the outer loop, so each
    /// channel's rows are written front to back. `scratch` holds 40 vectors.
    func transformOutputRowGroups(_ m: UnsafeMutablePointer<Float>, plan: WinogradPlan, first: Int, count: Int,
                                  into output: UnsafeMutablePointer<Float>, bias: UnsafeBufferPointer<Float>,
                                  scratch: UnsafeMutablePointer<Lanes>) {
        let oh = plan.outHeight, ow = plan.outWidth, pointStride = plan.mPointStride, activation = self.activation
        let groups = stride(from: 0, to: count - 7, by: 8).filter { plan.isRowGroup(first + $0) }
        let offsets = groups.map { group in
            let position = plan.position(first + group)
            return position.image * plan.cout * oh * ow + position.outputY * ow + position.outputX
        }
        let a = scratch, block = scratch + 24  // block[y * 4 + x]: pixel (y, x) of the 4 x 4 block, per tile
        for co in 0..<plan.cout {
            let b = Lanes(repeating: bias[co])
            for g in groups.indices {
                let column = groups[g], offset = offsets[g]
                let source = UnsafeRawPointer(m + co * plan.mChannelStride + column), stride = pointStride * 4
                @inline(__always) func load(_ xi: Int) -> Lanes { source.loadUnaligned(fromByteOffset: xi * stride, as: Lanes.self) }
                for i in 0..<6 {
                    let r = outputTransform(load(i * 6), load(i * 6 + 1), load(i * 6 + 2), load(i * 6 + 3),
                                            load(i * 6 + 4), load(i * 6 + 5))
                    (a[i * 4], a[i * 4 + 1], a[i * 4 + 2], a[i * 4 + 3]) = r
                }
                for x in 0..<4 {
                    let r = outputTransform(a[x], a[4 + x], a[8 + x], a[12 + x], a[16 + x], a[20 + x])
                    block[x] = finishLanes(r.0 + b, activation); block[4 + x] = finishLanes(r.1 + b, activation)
                    block[8 + x] = finishLanes(r.2 + b, activation); block[12 + x] = finishLanes(r.3 + b, activation)
                }
                let origin = UnsafeMutableRawPointer(output + co * oh * ow + offset)
                for y in 0..<4 {
                    let row = origin + y * ow * 4
                    // Lane order σ makes chunk q (tiles 2q, 2q + 1) the q-th transposed half-row.
                    let chunks = transposeHalves(block[y * 4], block[y * 4 + 1], block[y * 4 + 2], block[y * 4 + 3])
                    row.storeBytes(of: chunks.0, as: Lanes.self)
                    row.storeBytes(of: chunks.1, toByteOffset: 32, as: Lanes.self)
                    row.storeBytes(of: chunks.2, toByteOffset: 64, as: Lanes.self)
                    row.storeBytes(of: chunks.3, toByteOffset: 96, as: Lanes.self)
                }
            }
        }
    }
}

/// Pixels (y, x ..< x + 8) of one channel plane, zero outside the image.
@inline(__always)
private func borderChunk(_ plane: UnsafePointer<Float>, y: Int, x: Int, height: Int, width: Int) -> Lanes {
    guard y >= 0 && y < height else { return Lanes() }
    let row = plane + y * width
    if x >= 0 && x + 8 <= width { return UnsafeRawPointer(row + x).loadUnaligned(as: Lanes.self) }
    var lanes = Lanes()
    for lane in 0..<8 where x + lane >= 0 && x + lane < width { lanes[lane] = row[x + lane] }
    return lanes
}

/// Bias-added values through the fused activation: ReLU inline, the others (exp-based, rare in
/// hidden layers) out of line so this stays small enough to inline into the transform loops.
@inline(__always)
func finishLanes(_ x: Lanes, _ activation: Activation?) -> Lanes {
    switch activation {
    case nil: return x
    case .relu?: return x.replacing(with: 0, where: x .< 0)
    case let other?: return applyOutOfLine(other, x)
    }
}

@inline(never)
private func applyOutOfLine(_ activation: Activation, _ x: Lanes) -> Lanes { activation.apply8(x) }
