import Foundation

// Naive references for the non-convolution kernels (pooling, resize, pad, softmax, concat,
// broadcast arithmetic, per-channel affine): plain loops over `Tensor` subscripts, Double
// accumulation, written from the ONNX operator definitions rather than from the fast kernels.

/// The four extents of `s` as an array, [N, C, H, W].
private func referenceExtents(_ s: TensorShape) -> [Int] { [s.n, s.c, s.h, s.w] }

private func referenceShape(_ e: [Int]) -> TensorShape { TensorShape(n: e[0], c: e[1], h: e[2], w: e[3]) }

/// Every index (n, c, h, w) of `s`, in NCHW order.
private func referenceIndices(_ s: TensorShape) -> [[Int]] {
    var result: [[Int]] = []
    for n in 0..<s.n { for c in 0..<s.c { for h in 0..<s.h { for w in 0..<s.w { result.append([n, c, h, w]) } } } }
    return result
}

private extension Tensor {
    subscript(_ i: [Int]) -> Float {
        get { self[i[0], i[1], i[2], i[3]] }
        set { self[i[0], i[1], i[2], i[3]] = newValue }
    }
}

// MARK: - Pooling

/// Output extent of one pooled axis (ONNX MaxPool / AveragePool). In ceil mode a last window that
/// would start inside the end padding (or past it) is dropped, as PyTorch and onnxruntime do.
private func referencePoolExtent(_ size: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
                                 ceilMode: Bool) -> Int {
    let effective = dilation * (kernel - 1) + 1
    let span = Double(size + padBegin + padEnd - effective) / Double(stride)
    var count = Int(ceilMode ? span.rounded(.up) : span.rounded(.down)) + 1
    if ceilMode {
        let lastStart = (count - 1) * stride - padBegin  // input coordinate of the last window's first tap
        if lastStart >= size { count -= 1 }
    }
    return count
}

/// MaxPool / AveragePool by direct loops. Max ignores padding; average divides by the taps inside
/// the input, or with `countIncludePad` by the taps inside input plus declared padding (never the
/// ceil-mode overhang beyond the padding).
public func referencePool(_ kind: PoolKind, _ window: PoolWindow, _ input: Tensor) -> Tensor {
    let g = window.geometry, s = input.shape
    let outH = referencePoolExtent(s.h, kernel: g.kernelH, stride: g.strideH, dilation: g.dilationH,
                                   padBegin: g.padTop, padEnd: g.padBottom, ceilMode: window.ceilMode)
    let outW = referencePoolExtent(s.w, kernel: g.kernelW, stride: g.strideW, dilation: g.dilationW,
                                   padBegin: g.padLeft, padEnd: g.padRight, ceilMode: window.ceilMode)
    var out = Tensor(zeros: TensorShape(n: s.n, c: s.c, h: outH, w: outW))
    for n in 0..<s.n {
        for c in 0..<s.c {
            for y in 0..<outH {
                for x in 0..<outW {
                    var values: [Float] = []
                    var tapsInPaddedInput = 0
                    for ky in 0..<g.kernelH {
                        for kx in 0..<g.kernelW {
                            let iy = y * g.strideH - g.padTop + ky * g.dilationH
                            let ix = x * g.strideW - g.padLeft + kx * g.dilationW
                            let insidePadded = iy >= -g.padTop && iy < s.h + g.padBottom
                                && ix >= -g.padLeft && ix < s.w + g.padRight
                            if insidePadded { tapsInPaddedInput += 1 }
                            if iy >= 0 && iy < s.h && ix >= 0 && ix < s.w { values.append(input[n, c, iy, ix]) }
                        }
                    }
                    switch kind {
                    case .max:
                        out[n, c, y, x] = values.max() ?? -Float.infinity
                    case .average:
                        let sum = values.reduce(0.0) { $0 + Double($1) }
                        let divisor = window.countIncludePad ? tapsInPaddedInput : values.count
                        out[n, c, y, x] = divisor > 0 ? Float(sum / Double(divisor)) : 0
                    }
                }
            }
        }
    }
    return out
}

/// GlobalAveragePool: the mean of every H x W plane, N x C x 1 x 1.
public func referenceGlobalAveragePool(_ input: Tensor) -> Tensor {
    let s = input.shape
    var out = Tensor(zeros: TensorShape(n: s.n, c: s.c, h: 1, w: 1))
    for n in 0..<s.n {
        for c in 0..<s.c {
            var sum = 0.0
            for y in 0..<s.h { for x in 0..<s.w { sum += Double(input[n, c, y, x]) } }
            out[n, c, 0, 0] = s.h * s.w > 0 ? Float(sum / Double(s.h * s.w)) : 0
        }
    }
    return out
}

// MARK: - Resize

/// ONNX Resize coordinate_transformation_mode: input coordinate of output coordinate `x`.
private func referenceResizeSource(_ x: Int, scale: Double, inLength: Int, outLength: Int,
                                   transform: CoordinateTransform) -> Double {
    let x = Double(x)
    switch transform {
    case .halfPixel:
        return (x + 0.5) / scale - 0.5
    case .pytorchHalfPixel:
        return outLength > 1 ? (x + 0.5) / scale - 0.5 : 0
    case .alignCorners:
        return outLength == 1 ? 0 : x * Double(inLength - 1) / Double(outLength - 1)
    case .asymmetric:
        return x / scale
    }
}

/// ONNX Resize nearest_mode, then clamped into [0, length - 1].
private func referenceNearest(_ x: Double, _ rounding: NearestRounding, length: Int) -> Int {
    let lower = x.rounded(.down), fraction = x - lower
    let index: Double
    switch rounding {
    case .roundPreferFloor: index = fraction <= 0.5 ? lower : lower + 1
    case .roundPreferCeil: index = fraction < 0.5 ? lower : lower + 1
    case .floor: index = lower
    case .ceil: index = x.rounded(.up)
    }
    return min(max(Int(index), 0), length - 1)
}

/// ONNX Resize over H and W (nearest, or bilinear with edge-clamped neighbours).
public func referenceResize(_ input: Tensor, outH: Int, outW: Int, scaleH: Double, scaleW: Double,
                            mode: ResizeMode, transform: CoordinateTransform) -> Tensor {
    let s = input.shape
    var out = Tensor(zeros: TensorShape(n: s.n, c: s.c, h: outH, w: outW))
    func clampH(_ i: Int) -> Int { min(max(i, 0), s.h - 1) }
    func clampW(_ i: Int) -> Int { min(max(i, 0), s.w - 1) }
    for n in 0..<s.n {
        for c in 0..<s.c {
            for y in 0..<outH {
                let sy = referenceResizeSource(y, scale: scaleH, inLength: s.h, outLength: outH, transform: transform)
                for x in 0..<outW {
                    let sx = referenceResizeSource(x, scale: scaleW, inLength: s.w, outLength: outW, transform: transform)
                    switch mode {
                    case .nearest(let rounding):
                        out[n, c, y, x] = input[n, c, referenceNearest(sy, rounding, length: s.h),
                                                referenceNearest(sx, rounding, length: s.w)]
                    case .linear:
                        // Coordinates are clamped into the input first (onnxruntime; the ONNX reference's
                        // edge padding gives the same values).
                        let cy = min(max(sy, 0), Double(s.h - 1)), cx = min(max(sx, 0), Double(s.w - 1))
                        let y0 = Int(cy.rounded(.down)), x0 = Int(cx.rounded(.down))
                        let fy = cy - Double(y0), fx = cx - Double(x0)
                        let v00 = Double(input[n, c, clampH(y0), clampW(x0)])
                        let v01 = Double(input[n, c, clampH(y0), clampW(x0 + 1)])
                        let v10 = Double(input[n, c, clampH(y0 + 1), clampW(x0)])
                        let v11 = Double(input[n, c, clampH(y0 + 1), clampW(x0 + 1)])
                        let value = (1 - fy) * (1 - fx) * v00 + (1 - fy) * fx * v01 + fy * (1 - fx) * v10 + fy * fx * v11
                        out[n, c, y, x] = Float(value)
                    }
                }
            }
        }
    }
    return out
}

// MARK: - Pad

/// ONNX Pad over all four axes; negative amounts crop. Reflect mirrors without repeating the edge,
/// folding back and forth as often as needed (numpy `reflect`).
public func referencePad(_ input: Tensor, begin: [Int], end: [Int], mode: PadMode) -> Tensor {
    let inExtents = referenceExtents(input.shape)
    let outShape = referenceShape((0..<4).map { inExtents[$0] + begin[$0] + end[$0] })
    var out = Tensor(zeros: outShape)
    for o in referenceIndices(outShape) {
        var source: [Int] = []
        for axis in 0..<4 {
            let size = inExtents[axis]
            var i = o[axis] - begin[axis]
            if i < 0 || i >= size {
                switch mode {
                case .constant: break
                case .edge: i = min(max(i, 0), size - 1)
                case .reflect:
                    if size == 1 { i = 0 }
                    while i < 0 || i >= size {
                        if i < 0 { i = -i }
                        if i >= size { i = 2 * (size - 1) - i }
                    }
                }
            }
            source.append(i)
        }
        let inside = (0..<4).allSatisfy { source[$0] >= 0 && source[$0] < inExtents[$0] }
        if inside {
            out[o] = input[source]
        } else if case .constant(let value) = mode {
            out[o] = value
        }
    }
    return out
}

// MARK: - Softmax

/// ONNX Softmax along `axis`; with `flattenTrailing` (opset < 13) over all axes from `axis` on.
/// Each group's max and sum are taken over the elements that share the group's other coordinates.
public func referenceSoftmax(_ input: Tensor, axis: Int, flattenTrailing: Bool) -> Tensor {
    func group(_ i: [Int]) -> [Int] {
        if flattenTrailing { return Array(i[..<axis]) }
        var key = i
        key[axis] = -1
        return key
    }
    let indices = referenceIndices(input.shape)
    var peak: [[Int]: Double] = [:], sum: [[Int]: Double] = [:]
    for i in indices { peak[group(i)] = max(peak[group(i)] ?? -.infinity, Double(input[i])) }
    for i in indices { sum[group(i), default: 0] += Foundation.exp(Double(input[i]) - peak[group(i)]!) }
    var out = Tensor(zeros: input.shape)
    for i in indices { out[i] = Float(Foundation.exp(Double(input[i]) - peak[group(i)]!) / sum[group(i)]!) }
    return out
}

// MARK: - Concat

/// ONNX Concat along `axis` (0...3): each output element comes from the input whose slab along
/// `axis` contains it.
public func referenceConcatenate(_ inputs: [Tensor], axis: Int) -> Tensor {
    var extents = referenceExtents(inputs[0].shape)
    extents[axis] = inputs.reduce(0) { $0 + referenceExtents($1.shape)[axis] }
    for t in inputs {
        let e = referenceExtents(t.shape)
        for a in 0..<4 where a != axis { precondition(e[a] == extents[a], "extent mismatch on axis \(a)") }
    }
    let outShape = referenceShape(extents)
    var out = Tensor(zeros: outShape)
    for o in referenceIndices(outShape) {
        var position = o[axis]
        for t in inputs {
            let length = referenceExtents(t.shape)[axis]
            if position < length {
                var source = o
                source[axis] = position
                out[o] = t[source]
                break
            }
            position -= length
        }
    }
    return out
}

// MARK: - Broadcast arithmetic

/// ONNX Add / Sub / Mul / Div with NumPy broadcasting over the four NCHW axes: an operand of extent
/// 1 along an axis is read at index 0 there. Nil when the shapes do not broadcast.
public func referenceBinary(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) -> Tensor? {
    let ea = referenceExtents(a.shape), eb = referenceExtents(b.shape)
    var eo: [Int] = []
    for axis in 0..<4 {
        if ea[axis] == eb[axis] || eb[axis] == 1 { eo.append(ea[axis]) }
        else if ea[axis] == 1 { eo.append(eb[axis]) }
        else { return nil }
    }
    let outShape = referenceShape(eo)
    var out = Tensor(zeros: outShape)
    for o in referenceIndices(outShape) {
        let ia = (0..<4).map { ea[$0] == 1 ? 0 : o[$0] }, ib = (0..<4).map { eb[$0] == 1 ? 0 : o[$0] }
        let x = a[ia], y = b[ib]
        let value: Float
        switch op {
        case .add: value = x + y
        case .subtract: value = x - y
        case .multiply: value = x * y
        case .divide: value = x / y
        }
        out[o] = value
    }
    return out
}

// MARK: - Channel affine / BatchNormalization

/// `out[n, c, y, x] = in[n, c, y, x] * scale[c] + shift[c]`.
public func referenceChannelAffine(_ input: Tensor, scale: [Float], shift: [Float]) -> Tensor {
    var out = Tensor(zeros: input.shape)
    for i in referenceIndices(input.shape) { out[i] = input[i] * scale[i[1]] + shift[i[1]] }
    return out
}

/// ONNX BatchNormalization in inference mode, straight from its definition (in Double):
/// `(x - mean) / sqrt(var + epsilon) * gamma + beta`.
public func referenceBatchNorm(_ input: Tensor, gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
                               epsilon: Float) -> Tensor {
    var out = Tensor(zeros: input.shape)
    for i in referenceIndices(input.shape) {
        let c = i[1]
        let normalized = (Double(input[i]) - Double(mean[c])) / (Double(variance[c]) + Double(epsilon)).squareRoot()
        out[i] = Float(normalized * Double(gamma[c]) + Double(beta[c]))
    }
    return out
}
