import PipelineConfig

/// Binary opening or closing of some classes with a disk or square structuring element.
///
/// The element is clipped to pixels with data: pixels outside the scene and nodata pixels are
/// ignored, counting as neither present nor absent. So a field touching the scene's edge is not
/// eroded from it (closing may instead fill a gap between a region and the edge), and nodata
/// stays nodata.
struct MorphologyOperation {
    let bits: MaskWord
    let radius: Int
    let shape: StructuringShape
    /// Opening (erode, then dilate) when true; closing (dilate, then erode) otherwise.
    let opening: Bool

    /// Rows of context needed on each side of a strip: two passes of `radius`.
    var halo: Int { 2 * radius }

    /// The element's offsets (dx, dy), centre included.
    var offsets: [(dx: Int, dy: Int)] {
        var result: [(dx: Int, dy: Int)] = []
        for dy in -radius...radius {
            for dx in -radius...radius where shape == .square || dx * dx + dy * dy <= radius * radius {
                result.append((dx, dy))
            }
        }
        return result
    }

    /// The operation's result on rows `output` (a subrange of `inputRows`, the rows `words` holds,
    /// with at least `halo` rows on each side unless the scene ends there); `height` is the scene's.
    func apply(_ words: [MaskWord], inputRows: Range<Int>, output: Range<Int>, width: Int, height: Int) -> [MaskWord] {
        let middle = max(inputRows.lowerBound, output.lowerBound - radius)..<min(inputRows.upperBound, output.upperBound + radius)
        let first = pass(words, rows: inputRows, output: middle, width: width, erode: opening)
        return pass(first, rows: middle, output: output, width: width, erode: !opening)
    }

    /// One erosion or dilation of `bits`, from `words` (rows `rows`) onto rows `output`.
    private func pass(_ words: [MaskWord], rows: Range<Int>, output: Range<Int>, width: Int, erode: Bool) -> [MaskWord] {
        let offsets = self.offsets
        let others = ~bits
        var result = [MaskWord](repeating: 0, count: output.count * width)
        words.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for y in output {
                    let targetRow = (y - output.lowerBound) * width
                    let sourceRow = (y - rows.lowerBound) * width
                    for x in 0..<width {
                        let centre = source[sourceRow + x]
                        if centre & MaskBits.noData != 0 {
                            target[targetRow + x] = centre
                            continue
                        }
                        var accumulated: MaskWord = erode ? bits : 0
                        for offset in offsets {
                            let ny = y + offset.dy, nx = x + offset.dx
                            guard rows.contains(ny), nx >= 0, nx < width else { continue }
                            let neighbour = source[(ny - rows.lowerBound) * width + nx]
                            if neighbour & MaskBits.noData != 0 { continue }
                            if erode { accumulated &= neighbour } else { accumulated |= neighbour }
                        }
                        target[targetRow + x] = (centre & others) | (accumulated & bits)
                    }
                }
            }
        }
        return result
    }
}
