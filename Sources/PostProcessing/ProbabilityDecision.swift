import Raster
import Scene

/// The first source of every run: the stitched probabilities (`ProbabilityRasterWriter`'s COG:
/// one UInt8 band per class, probability · 254, 255 nodata) turned into decided words by the
/// thresholds, then the rule set's leading pixel-local rules.
///
/// A pixel is nodata when any class band is 255 there (the stitcher writes all bands' nodata
/// together); its class bits stay clear.
struct ProbabilityDecision: WordSource {
    let dataset: Dataset
    let minimumQuantized: [UInt8]
    let leading: [PointRule]
    let bands: BandStripSource?

    func read(rows: Range<Int>) throws -> [MaskWord] {
        let width = dataset.width
        let classCount = minimumQuantized.count
        let plane = rows.count * width
        let window = PixelWindow(col: 0, row: rows.lowerBound, width: width, height: rows.count)
        // Read into uninitialized memory: zero-filling a generic array first costs as much as the read.
        let values = try [UInt8](unsafeUninitializedCapacity: plane * classCount) { buffer, count in
            try dataset.read(UInt8.self, window: window, into: buffer, lineStride: width, bandStride: plane)
            count = plane * classCount
        }
        var words = [MaskWord](repeating: 0, count: plane)
        values.withUnsafeBufferPointer { values in
            for c in 0..<classCount {
                let bit = MaskBits.bit(c), minimum = minimumQuantized[c]
                let band = c * plane
                for i in 0..<plane {
                    let q = values[band + i]
                    if q == ProbabilityQuantization.noData {
                        words[i] = MaskBits.noData
                    } else if q >= minimum {
                        words[i] |= bit
                    }
                }
            }
            // A nodata pixel in a later band also clears bits set by earlier bands.
            for i in 0..<plane where words[i] & MaskBits.noData != 0 { words[i] = MaskBits.noData }
        }
        for rule in leading {
            try rule.apply(to: &words, rows: rows, width: width, bands: bands)
        }
        return words
    }
}
