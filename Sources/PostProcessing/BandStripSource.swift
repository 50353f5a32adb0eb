/// The stacked scene bands that `index` rules read, by name, one strip of full-width rows at a
/// time. The pipeline implements it over its scene stack; `InMemoryBandStripSource` serves tests.
public protocol BandStripSource {
    /// The band names this source can give.
    var bandNames: [String] { get }
    /// Values of band `name` for rows `rows` of the output grid, row-major (`width * rows.count`
    /// values); NaN where the band has no data.
    func values(band name: String, rows: Range<Int>) throws -> [Float]
}

/// Whole bands held in memory, row-major over a grid `width` pixels wide.
public struct InMemoryBandStripSource: BandStripSource {
    public let width: Int
    public let bands: [String: [Float]]

    public init(width: Int, bands: [String: [Float]]) {
        self.width = width
        self.bands = bands
    }

    public var bandNames: [String] { bands.keys.sorted() }

    public func values(band name: String, rows: Range<Int>) throws -> [Float] {
        guard let values = bands[name] else {
            throw PostProcessingError(code: .invalidRule, message: "no band named '\(name)'")
        }
        return Array(values[rows.lowerBound * width..<rows.upperBound * width])
    }
}
