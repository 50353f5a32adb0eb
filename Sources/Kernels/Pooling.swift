import Foundation

/// Max / average pooling windows over NCHW planes (ONNX MaxPool, AveragePool).
public struct PoolWindow: Hashable, Sendable {
    /// Kernel, strides, dilations, pads; `groups` is unused.
    public var geometry: ConvGeometry
    /// Round the output extent up (ONNX ceil_mode); a last window starting in the bottom/right
    /// padding is dropped, as PyTorch and onnxruntime do.
    public var ceilMode: Bool
    /// AveragePool only: divide by the full window (pads included) rather than by its valid taps.
    public var countIncludePad: Bool

    public init(geometry: ConvGeometry, ceilMode: Bool = false, countIncludePad: Bool = false) {
        (self.geometry, self.ceilMode, self.countIncludePad) = (geometry, ceilMode, countIncludePad)
    }

    private func extent(_ size: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int) -> Int {
        let span = size + padBegin + padEnd - (dilation * (kernel - 1) + 1)
        guard ceilMode else { return span / stride + 1 }
        var count = (span + stride - 1) / stride + 1
        if (count - 1) * stride >= size + padBegin { count -= 1 }
        return count
    }

    public func outputShape(for s: TensorShape) -> TensorShape {
        let g = geometry
        return TensorShape(
            n: s.n, c: s.c,
            h: extent(s.h, kernel: g.kernelH, stride: g.strideH, dilation: g.dilationH, padBegin: g.padTop, padEnd: g.padBottom),
            w: extent(s.w, kernel: g.kernelW, stride: g.strideW, dilation: g.dilationW, padBegin: g.padLeft, padEnd: g.padRight))
    }
}

public enum PoolKind: Sendable { case max, average }

/// Pools every plane of `input` (NCHW `shape`) into `output` (`window.outputShape(for: shape)`).
///
/// Without padding and dilation (the U-Net's 2x2 stride-2 MaxPool), windows that lie inside the
/// input run through `poolRowInside`, a bounds-check-free row loop; only the ceil_mode overhang and
/// every other geometry take the per-window path.
public func pool(_ kind: PoolKind, _ window: PoolWindow, input: UnsafePointer<Float>, shape s: TensorShape,
                 output: UnsafeMutablePointer<Float>, threads: Int = 1) {
    let g = window.geometry, out = window.outputShape(for: s)
    let direct = g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        && g.dilationH == 1 && g.dilationW == 1
    // Output rows/columns whose windows end inside the input (all of them unless ceil_mode overhangs).
    let insideH = direct && s.h >= g.kernelH ? min(out.h, (s.h - g.kernelH) / g.strideH + 1) : 0
    let insideW = direct && s.w >= g.kernelW ? min(out.w, (s.w - g.kernelW) / g.strideW + 1) : 0
    parallelFor(s.n * s.c, threads: threads) { plane, _ in
        let source = input + plane * s.h * s.w, target = output + plane * out.h * out.w
        for y in 0..<out.h {
            let row = target + y * out.w
            var x0 = 0
            if y < insideH && insideW > 0 {
                poolRowInside(kind, g, rows: source + y * g.strideH * s.w, width: s.w, into: row, count: insideW)
                x0 = insideW
            }
            for x in x0..<out.w { row[x] = poolWindow(kind, window, source, s, y: y, x: x) }
        }
    }
}

/// One output value by visiting the window tap by tap: any padding, dilation or ceil_mode overhang.
@inline(__always)
private func poolWindow(_ kind: PoolKind, _ window: PoolWindow, _ source: UnsafePointer<Float>, _ s: TensorShape,
                        y: Int, x: Int) -> Float {
    let g = window.geometry
    var best = -Float.infinity, sum: Float = 0, valid = 0, padded = 0
    for ky in 0..<g.kernelH {
        let iy = y * g.strideH - g.padTop + ky * g.dilationH
        for kx in 0..<g.kernelW {
            let ix = x * g.strideW - g.padLeft + kx * g.dilationW
            // Taps inside the declared padding count for count_include_pad; taps past it
            // (ceil_mode overhang) never do.
            if iy < s.h + g.padBottom && ix < s.w + g.padRight { padded += 1 }
            guard iy >= 0 && iy < s.h && ix >= 0 && ix < s.w else { continue }
            let value = source[iy * s.w + ix]
            best = Swift.max(best, value)
            sum += value
            valid += 1
        }
    }
    switch kind {
    case .max: return best
    case .average:
        let divisor = window.countIncludePad ? padded : valid
        return divisor > 0 ? sum / Float(divisor) : 0
    }
}

/// `count` outputs of one row whose windows (no padding, dilation 1) lie inside the input;
/// `rows` points at the window's first input row, `width` input values apart. No tap is
/// padding, so the average divides by the full window.
private func poolRowInside(_ kind: PoolKind, _ g: ConvGeometry, rows: UnsafePointer<Float>, width: Int,
                           into target: UnsafeMutablePointer<Float>, count: Int) {
    if g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 {
        // The U-Net downsampler: constant offsets let LLVM vectorize the loop (measured: the
        // generic fold below runs ~4x slower, SIMD16 evenHalf/oddHalf shuffles ~25x slower).
        let r0 = rows, r1 = rows + width
        switch kind {
        case .max:
            for x in 0..<count {
                target[x] = Swift.max(Swift.max(r0[2 * x], r0[2 * x + 1]), Swift.max(r1[2 * x], r1[2 * x + 1]))
            }
        case .average:
            for x in 0..<count { target[x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25 }
        }
        return
    }
    // Any other kernel and stride: fold the window's rows one at a time into the output row, so
    // each pass reads one input row contiguously.
    @inline(__always) func fold(_ combine: (Float, Float) -> Float) {
        for ky in 0..<g.kernelH {
            let row = rows + ky * width
            for x in 0..<count {
                let taps = row + x * g.strideW
                var acc = taps[0]
                for kx in 1..<g.kernelW { acc = combine(acc, taps[kx]) }
                target[x] = ky == 0 ? acc : combine(target[x], acc)
            }
        }
    }
    switch kind {
    case .max: fold { Swift.max($0, $1) }
    case .average:
        fold(+)
        let divisor = Float(g.kernelH * g.kernelW)
        for x in 0..<count { target[x] /= divisor }
    }
}

/// Mean of every plane: N x C x H x W -> N x C x 1 x 1 (ONNX GlobalAveragePool).
public func globalAveragePool(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>) {
    let plane = s.h * s.w
    for index in 0..<(s.n * s.c) {
        var sum = 0.0
        for i in 0..<plane { sum += Double(input[index * plane + i]) }
        output[index] = plane > 0 ? Float(sum / Double(plane)) : 0
    }
}
