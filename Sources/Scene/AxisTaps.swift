import Raster

/// Which source pixels one axis of the reference grid reads, and with what weights, when a source
/// is put on that grid by a pure scale and shift (same CRS, both north-up): GDAL's warper then
/// resamples separably, so one row of taps per axis describes it. The arithmetic follows GDAL's
/// warp kernel (`gdalwarpkernel.cpp`: the no-mask bilinear and cubic paths, nearest) so values
/// agree with the warper: nearest exactly, bilinear and cubic to rounding (tested).
///
/// Coordinates: `s` is the reference pixel centre in source pixel-edge units, as GDAL's
/// transformer computes it (`-origin/pixel + x * (1/pixel)`).
struct AxisTaps {
    /// Reference pixels along the axis (the grid's width or height).
    let count: Int
    /// Source pixels along the axis.
    let sourceCount: Int
    /// True where the reference pixel's centre falls inside the source (elsewhere: nodata).
    private(set) var inside: [Bool]
    /// Nearest: the source pixel.
    private(set) var nearest: [Int32]
    /// Bilinear: first of two source pixels and the weight of the first (GDAL's `dfRatio`); the
    /// second weighs `1 - ratio`. Taps outside the source are dropped and the rest renormalized.
    private(set) var linearFirst: [Int32]
    private(set) var linearRatio: [Double]
    /// Cubic: whether GDAL's 4-tap cubic applies (else it falls back to bilinear), the first of its
    /// four source pixels, its weights and the fraction `delta` (for GDAL's vertical formula).
    private(set) var cubicInterior: [Bool]
    private(set) var cubicFirst: [Int32]
    private(set) var cubicWeights: [Double]
    private(set) var cubicDelta: [Double]
    /// True when reference pixel i is source pixel i (same origin and pixel size, to 1e-6 px, as
    /// rounding of the transform leaves them): every kernel then returns the source value itself.
    private(set) var isIdentity: Bool

    /// `origin`, `pixel`: the reference axis; `sourceOrigin`, `sourcePixel`, `sourceCount`: the source's.
    init(count: Int, origin: Double, pixel: Double, sourceCount: Int, sourceOrigin: Double, sourcePixel: Double) {
        self.count = count
        self.sourceCount = sourceCount
        inside = [Bool](repeating: false, count: count)
        nearest = [Int32](repeating: 0, count: count)
        linearFirst = [Int32](repeating: 0, count: count)
        linearRatio = [Double](repeating: 0, count: count)
        cubicInterior = [Bool](repeating: false, count: count)
        cubicFirst = [Int32](repeating: 0, count: count)
        cubicWeights = [Double](repeating: 0, count: 4 * count)
        cubicDelta = [Double](repeating: 0, count: count)
        isIdentity = count == sourceCount
        let inverseOrigin = -sourceOrigin / sourcePixel, inverseScale = 1 / sourcePixel
        for i in 0..<count {
            let s = inverseOrigin + (origin + (Double(i) + 0.5) * pixel) * inverseScale
            if abs(s - (Double(i) + 0.5)) > 1e-6 { isIdentity = false }
            guard s >= 0, Int(s + 1e-10) < sourceCount else { continue }
            inside[i] = true
            nearest[i] = Int32(Int(s + 1e-10))
            let first = Int((s - 0.5).rounded(.down))
            linearFirst[i] = Int32(first)
            linearRatio[i] = 1.5 - (s - Double(first))
            let truncated = Int(s - 0.5)  // GDAL truncates here (toward zero), not floor
            if truncated - 1 >= 0 && truncated + 2 < sourceCount {
                cubicInterior[i] = true
                cubicFirst[i] = Int32(truncated - 1)
                let x = s - 0.5 - Double(truncated)
                cubicDelta[i] = x
                // GWKCubicComputeWeights
                let half = 0.5 * x, three = 3.0 * x, half2 = half * x
                cubicWeights[4 * i] = half * (-1 + x * (2 - x))
                cubicWeights[4 * i + 1] = 1 + half2 * (-5 + three)
                cubicWeights[4 * i + 2] = half * (1 + x * (4 - three))
                cubicWeights[4 * i + 3] = half2 * (-1 + x)
            }
        }
    }

    /// Source pixels the reference range `range` reads with `resampling` (nil when none is inside).
    func sourceRange(of range: Range<Int>, resampling: Resampling) -> Range<Int>? {
        var low = Int.max, high = Int.min
        for i in range where inside[i] {
            switch resampling {
            case .nearest:
                low = min(low, Int(nearest[i])); high = max(high, Int(nearest[i]))
            default:
                low = min(low, Int(linearFirst[i])); high = max(high, Int(linearFirst[i]) + 1)
                if resampling == .cubic && cubicInterior[i] {
                    low = min(low, Int(cubicFirst[i])); high = max(high, Int(cubicFirst[i]) + 3)
                }
            }
        }
        guard low <= high else { return nil }
        return max(0, low)..<min(sourceCount, high + 1)
    }

    /// Bilinear along this axis at reference pixel `i`, reading source pixel k as `value(k)`;
    /// out-of-source taps are dropped and the remaining weight renormalized (as GDAL does).
    @inline(__always)
    func linear(_ i: Int, _ value: (Int) -> Double) -> Double {
        let first = Int(linearFirst[i]), ratio = linearRatio[i]
        let hasFirst = first >= 0, hasSecond = first + 1 < sourceCount
        if hasFirst && hasSecond { return value(first) * ratio + value(first + 1) * (1.0 - ratio) }
        return hasFirst ? value(first) : value(first + 1)
    }
}
