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
public func pool(_ kind: PoolKind, _ window: PoolWindow, input: UnsafePointer<Float>, shape s: TensorShape,
                 output: UnsafeMutablePointer<Float>, threads: Int = 1) {
    let g = window.geometry, out = window.outputShape(for: s)
    parallelFor(s.n * s.c, threads: threads) { plane, _ in
        let source = input + plane * s.h * s.w, target = output + plane * out.h * out.w
        for y in 0..<out.h {
            for x in 0..<out.w {
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
                case .max: target[y * out.w + x] = best
                case .average:
                    let divisor = window.countIncludePad ? padded : valid
                    target[y * out.w + x] = divisor > 0 ? sum / Float(divisor) : 0
                }
            }
        }
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
