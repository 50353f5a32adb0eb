import PostProcessing
import Raster
import Scene

/// The stacked bands that `index` rules read, under the names the pipeline gives them
/// (`band_names`), read from the scene stack one band and one strip at a time.
public struct SceneBandStrips: BandStripSource {
    public let stack: SceneStack
    /// Band name → 1-based stacked band.
    public let indices: [String: Int]

    public init(stack: SceneStack, indices: [String: Int]) {
        self.stack = stack
        self.indices = indices
    }

    public var bandNames: [String] { indices.keys.sorted() }

    public func values(band name: String, rows: Range<Int>) throws -> [Float] {
        guard let index = indices[name] else {
            throw PostProcessingError(code: .invalidRule, message: "no stacked band is named '\(name)' (named: \(bandNames.joined(separator: ", ")))")
        }
        return try stack.read(band: index, window: PixelWindow(col: 0, row: rows.lowerBound, width: stack.grid.width, height: rows.count))
    }
}
