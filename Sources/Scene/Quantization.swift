/// Probabilities travel and are stitched as 8-bit integers: p in [0, 1] -> round(p * 254); 255 is
/// nodata. GDAL's band scale (1/254) lets readers unscale them.
public enum ProbabilityQuantization {
    public static let maxValue: UInt8 = 254
    public static let noData: UInt8 = 255
    public static let scale = 1.0 / 254.0

    public static func quantize(_ p: Float) -> UInt8 {
        guard p.isFinite else { return 0 }
        return UInt8((min(max(p, 0), 1) * Float(maxValue)).rounded())
    }

    public static func quantize(_ values: [Float]) -> [UInt8] { values.map(quantize) }
}
