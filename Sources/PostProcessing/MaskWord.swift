/// The decided state of one pixel while rules run: bit `c` set when class `c` (in class-set order)
/// is present, `noData` when the pixel has no data. One word per pixel lets exclusions act on all
/// classes at once and keeps a strip of the state compact.
typealias MaskWord = UInt64

enum MaskBits {
    /// Set on pixels without data; their class bits are always clear.
    static let noData: MaskWord = 1 << 63
    /// Classes one word can hold.
    static let maximumClasses = 63

    static func bit(_ classIndex: Int) -> MaskWord { 1 << MaskWord(classIndex) }

    /// The bits of `count` classes.
    static func all(_ count: Int) -> MaskWord { count == 0 ? 0 : (MaskWord.max >> MaskWord(64 - count)) }
}

/// Pixel-local rules, applied in order to each pixel's word without looking at neighbours; runs of
/// them are applied in the same pass as the neighbourhood step before them.
enum PointRule {
    /// Wherever `present` is set, clear `clear`.
    case exclude(present: MaskWord, clear: MaskWord)
    /// Sets, adds or restricts class `bit` from a spectral index of the scene's bands.
    case index(bit: MaskWord, rule: IndexEvaluation)

    /// Applies to `words` covering rows `rows` of a grid `width` wide.
    func apply(to words: inout [MaskWord], rows: Range<Int>, width: Int, bands: BandStripSource?) throws {
        switch self {
        case .exclude(let present, let clear):
            let keep = ~clear
            for i in words.indices where words[i] & present != 0 {
                words[i] &= keep
            }
        case .index(let bit, let rule):
            guard let bands else { preconditionFailure("index rules are checked to have bands") }
            let inputs = try rule.bandNames.map { try bands.values(band: $0, rows: rows) }
            for input in inputs where input.count != words.count {
                throw PostProcessingError(
                    code: .inputMismatch,
                    message: "the band source gave \(input.count) values for \(rows.count) rows of \(width) pixels")
            }
            for i in words.indices where words[i] & MaskBits.noData == 0 {
                let says = rule.holds(inputs, at: i)
                switch rule.combine {
                case .union: if says { words[i] |= bit }
                case .replace: words[i] = says ? words[i] | bit : words[i] & ~bit
                case .intersect: if !says { words[i] &= ~bit }
                }
            }
        }
    }
}
