/// How a JOB carries each band of a tile: as the Float32 stack values they are in memory, or —
/// when every value is a whole number in 0...65,534 or no data — as UInt16, half the bytes.
///
/// Bands the stack takes as they are from an integer source (a reference band, a band on the same
/// grid, nearest resampling) qualify; bilinear and cubic bands do not (they hold fractions) and
/// are found out at their first non-integer value, so trying costs little. The narrowing is exact:
/// the worker widens the values back to the same Float32 bits, so outputs do not change.
enum BandEncoding: UInt8 {
    case float32 = 0
    case uint16 = 1

    /// Bytes per pixel on the wire.
    var width: Int { self == .float32 ? 4 : 2 }

    /// A UInt16 band's no-data mark (the stack's NaN). A band holding 65,535 itself and no data
    /// would be ambiguous: it travels as Float32.
    static let noData: UInt16 = .max

    /// Writes `band` as UInt16 into `out` (as many values) and returns true when every value
    /// converts back to the same Float32 bits (NaN as `noData`); false, with `out` partly
    /// written, when one does not (a fraction, a negative value or -0, a value above 65,534, a
    /// NaN with another payload).
    static func narrow(_ band: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<UInt16>) -> Bool {
        let nan = Float.nan.bitPattern
        for i in 0..<band.count {
            let value = band[i]
            if value >= 0 && value < 65_535 {
                let whole = UInt16(value)
                guard Float(whole).bitPattern == value.bitPattern else { return false }
                out[i] = whole
            } else if value.bitPattern == nan {
                out[i] = noData
            } else {
                return false
            }
        }
        return true
    }

    /// The Float32 values a UInt16 band frame stands for.
    static func widened(_ frame: [UInt8], into values: UnsafeMutableBufferPointer<Float>) {
        frame.withUnsafeBytes { raw in
            for i in 0..<values.count {
                let word = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                values[i] = word == noData ? .nan : Float(word)
            }
        }
    }
}
