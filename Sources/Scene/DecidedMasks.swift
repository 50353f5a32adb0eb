import Raster

/// The decided class masks: what post-processing writes and what exports and evaluation read. A
/// UInt8 raster with one band per class in the model's order (band i + 1 = `classes.classes[i]`),
/// 1 where the class is present, 0 where absent, 255 where the scene has no data, on the scene's
/// reference grid. Read strip by strip, so scenes of any size fit in bounded memory.
public struct DecidedMasks {
    public static let present: UInt8 = 1
    public static let absent: UInt8 = 0
    public static let noData: UInt8 = 255

    public let dataset: Dataset
    public let classes: ClassSet
    public let grid: RasterGrid
    public var path: String { dataset.path }

    /// Opens `path` and checks that it has one UInt8 band per class and a georeferenced grid.
    public init(path: String, classes: ClassSet) throws {
        try self.init(dataset: Dataset.open(path), classes: classes)
    }

    public init(dataset: Dataset, classes: ClassSet) throws {
        guard dataset.bandCount == classes.count else {
            throw SceneError(code: .sourceMismatch, message: "has \(dataset.bandCount) bands; the run has \(classes.count) classes (one band per class)", location: dataset.path)
        }
        for band in try dataset.bands where try band.pixelType != .uint8 {
            throw SceneError(code: .badBand, message: "band \(band.index) is \(band.pixelTypeName); decided masks are UInt8", location: dataset.path)
        }
        self.dataset = dataset
        self.classes = classes
        grid = try dataset.grid
    }

    /// Rows per strip so that one strip of every band stays within `budgetBytes` (at least one row,
    /// at most `maxRows`): memory depends on the scene's width, never on its area.
    public func stripRows(budgetBytes: Int = 32 << 20, maxRows: Int = 512) -> Int {
        max(1, min(maxRows, budgetBytes / max(1, grid.width * classes.count)))
    }

    /// Reads the raster top to bottom, handing `body` each strip's window and its band-sequential
    /// values (value of class k at (r, c) is at `(k * height + r) * width + c`).
    public func forEachStrip(rows: Int? = nil, _ body: (PixelWindow, [UInt8]) throws -> Void) throws {
        let step = rows ?? stripRows()
        for top in stride(from: 0, to: grid.height, by: step) {
            let window = PixelWindow(col: 0, row: top, width: grid.width, height: min(step, grid.height - top))
            try body(window, try dataset.read(UInt8.self, window: window))
        }
    }
}
