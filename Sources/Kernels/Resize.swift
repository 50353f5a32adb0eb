import Foundation

/// How an output coordinate maps back to the input (ONNX Resize coordinate_transformation_mode).
public enum CoordinateTransform: String, Sendable, CaseIterable {
    case halfPixel = "half_pixel"
    case pytorchHalfPixel = "pytorch_half_pixel"
    case alignCorners = "align_corners"
    case asymmetric

    /// Input coordinate of output coordinate `x`, for `outLength` outputs from `inLength` inputs at `scale`.
    @inline(__always)
    public func source(_ x: Int, scale: Double, inLength: Int, outLength: Int) -> Double {
        let x = Double(x)
        switch self {
        case .halfPixel: return (x + 0.5) / scale - 0.5
        case .pytorchHalfPixel: return outLength > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .alignCorners: return outLength > 1 ? x * Double(inLength - 1) / Double(outLength - 1) : 0
        case .asymmetric: return x / scale
        }
    }
}

/// Rounding of nearest-neighbour sampling (ONNX Resize nearest_mode).
public enum NearestRounding: String, Sendable, CaseIterable {
    case roundPreferFloor = "round_prefer_floor"
    case roundPreferCeil = "round_prefer_ceil"
    case floor
    case ceil

    @inline(__always)
    public func index(_ x: Double) -> Int {
        switch self {
        case .roundPreferFloor: return x - x.rounded(.down) == 0.5 ? Int(x.rounded(.down)) : Int(x.rounded())
        case .roundPreferCeil: return Int(x.rounded(.toNearestOrAwayFromZero))
        case .floor: return Int(x.rounded(.down))
        case .ceil: return Int(x.rounded(.up))
        }
    }
}

public enum ResizeMode: Hashable, Sendable {
    case nearest(NearestRounding)
    /// Bilinear over H and W.
    case linear
}

/// Resizes the H and W axes of `input` (NCHW `shape`) into `output` (same N and C, `outH` x `outW`).
/// `scaleH`/`scaleW` are output/input ratios (the ONNX `scales`, or out/in when `sizes` is given).
public func resize(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                   outH: Int, outW: Int, scaleH: Double, scaleW: Double, mode: ResizeMode,
                   transform: CoordinateTransform, threads: Int = 1) {
    // Per-axis sampling tables: (first index, second index, weight of the second).
    func table(_ outLength: Int, _ inLength: Int, _ scale: Double) -> [(Int, Int, Float)] {
        (0..<outLength).map { o in
            let x = transform.source(o, scale: scale, inLength: inLength, outLength: outLength)
            switch mode {
            case .nearest(let rounding):
                let i = Swift.min(Swift.max(rounding.index(x), 0), inLength - 1)
                return (i, i, 0)
            case .linear:
                let clamped = Swift.min(Swift.max(x, 0), Double(inLength - 1))
                let i0 = Int(clamped.rounded(.down)), i1 = Swift.min(i0 + 1, inLength - 1)
                return (i0, i1, Float(clamped - Double(i0)))
            }
        }
    }
    let rows = table(outH, s.h, scaleH), cols = table(outW, s.w, scaleW)
    parallelFor(s.n * s.c, threads: threads) { plane, _ in
        let source = input + plane * s.h * s.w, target = output + plane * outH * outW
        for y in 0..<outH {
            let (y0, y1, wy) = rows[y]
            for x in 0..<outW {
                let (x0, x1, wx) = cols[x]
                let top = source[y0 * s.w + x0] + (source[y0 * s.w + x1] - source[y0 * s.w + x0]) * wx
                let bottom = source[y1 * s.w + x0] + (source[y1 * s.w + x1] - source[y1 * s.w + x0]) * wx
                target[y * outW + x] = top + (bottom - top) * wy
            }
        }
    }
}
