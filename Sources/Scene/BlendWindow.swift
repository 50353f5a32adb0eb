import Foundation

/// How overlapping tile outputs are blended: every output pixel is the average of the tiles that
/// cover it, weighted by a window that falls towards tile edges (where CNN outputs are least
/// reliable), divided by the sum of weights, so the weights form a partition of unity everywhere.
public enum BlendWindow: String, Sendable, Codable, CaseIterable {
    /// A squared spline (as in Smoothly-Blend-Image-Patches): flat in the centre, smooth falls.
    case spline
    /// sin² (Hann).
    case hann
    /// Linear falls to the edges.
    case triangular
    /// No blending: each tile contributes only its core (centre crop).
    case none

    /// Fixed-point scale of the 2-D weights: integer weights make accumulation exact and so the
    /// result independent of the order tiles arrive in.
    public static let weightScale = 4096.0

    /// 1-D weights for a tile of `size` pixels whose core starts at `margin` and is `step` long.
    public func weights(size: Int, margin: Int, step: Int) -> [Double] {
        (0..<size).map { t in
            let u = (Double(t) + 0.5) / Double(size)  // (0, 1), symmetric about the centre
            let tri = 1 - abs(2 * u - 1)
            switch self {
            case .spline: return tri <= 0.5 ? 2 * tri * tri : 1 - 2 * (1 - tri) * (1 - tri)
            case .hann: let s = sin(Double.pi * u); return s * s
            case .triangular: return tri
            case .none: return t >= margin && t < margin + step ? 1 : 0
            }
        }
    }

    /// Integer 2-D weights, `size * size`, row-major: round(w[x] * w[y] * scale). Windows that
    /// weigh the whole tile keep a weight of at least 1, so a pixel seen only at a tile's edge
    /// still gets a value; `none` stays 0 outside the core.
    public func integerWeights(size: Int, margin: Int, step: Int) -> [UInt32] {
        let w = weights(size: size, margin: margin, step: step)
        let floor: UInt32 = self == .none ? 0 : 1
        var out = [UInt32](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                let value = UInt32((w[x] * w[y] * BlendWindow.weightScale).rounded())
                out[y * size + x] = w[x] * w[y] > 0 ? max(value, floor) : 0
            }
        }
        return out
    }
}
