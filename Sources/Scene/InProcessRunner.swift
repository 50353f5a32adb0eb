import Foundation
import Raster

/// How a scene is tiled, fed to the model and blended.
public struct TilingOptions: Sendable {
    public var tileSize: Int
    public var overlap: Int
    public var padding: PaddingMode
    public var window: BlendWindow
    public var normalization: Normalization

    public init(tileSize: Int = 256, overlap: Int = 64, padding: PaddingMode = .reflect, window: BlendWindow = .spline,
                normalization: Normalization = .identity) {
        self.tileSize = tileSize
        self.overlap = overlap
        self.padding = padding
        self.window = window
        self.normalization = normalization
    }
}

/// Progress after each tile row.
public struct RunProgress: Sendable {
    public let tilesDone: Int
    public let tilesSkipped: Int
    public let tilesTotal: Int
    public let elapsed: Double

    public init(tilesDone: Int, tilesSkipped: Int, tilesTotal: Int, elapsed: Double) {
        self.tilesDone = tilesDone
        self.tilesSkipped = tilesSkipped
        self.tilesTotal = tilesTotal
        self.elapsed = elapsed
    }

    public var fraction: Double { Double(tilesDone + tilesSkipped) / Double(max(tilesTotal, 1)) }
    public var tilesPerSecond: Double { elapsed > 0 ? Double(tilesDone) / elapsed : 0 }
    public var secondsLeft: Double? { fraction > 0 ? elapsed * (1 - fraction) / fraction : nil }
}

/// Runs a whole scene in this process: read tile rows, run the model on each tile with valid data,
/// stitch, write the COG. (The distributed coordinator replaces the model loop with workers.)
public enum InProcessRunner {
    public static func run(stack: SceneStack, model: TileModel, options: TilingOptions, outputPath: String,
                           progress: (RunProgress) -> Void = { _ in }) throws -> RunReport {
        if let expected = model.inputBandCount, expected != stack.bandCount {
            throw SceneError(code: .sourceMismatch, message: "the model expects \(expected) bands but the scene stacks \(stack.bandCount)")
        }
        let clock = ContinuousClock(), start = clock.now
        var timings = RunReport.Timings()
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        try options.normalization.check(bandCount: stack.bandCount)
        let writer = try ProbabilityRasterWriter(path: outputPath, grid: stack.grid, classNames: model.classNames)
        var done = 0, skipped = 0
        // The reader and stitcher go out of scope before the COG is written: their buffers are
        // the largest allocations, and freeing them keeps the peak of the COG step low.
        try {
            let reader = try TileRowReader(stack: stack, grid: grid, padding: options.padding)
            let stitcher = try Stitcher(grid: grid, classCount: model.classNames.count, window: options.window, sink: writer)
            for row in 0..<grid.rows {
                try measure(&timings.readSeconds) { try reader.load(tileRow: row) }
                let tiles = grid.tiles(inRow: row).filter(reader.coreHasData)
                skipped += grid.columns - tiles.count
                try measure(&timings.stitchSeconds) { try stitcher.plan(tileRow: row, tiles: tiles) }
                for tile in tiles {
                    let input = measure(&timings.readSeconds) { options.normalization.prepare(reader.input(for: tile)) }
                    let output = try measure(&timings.modelSeconds) { try model.predict(input) }
                    try measure(&timings.stitchSeconds) {
                        try stitcher.commit(tile, probabilities: ProbabilityQuantization.quantize(output), validity: input.validity)
                    }
                    done += 1
                }
                progress(RunProgress(tilesDone: done, tilesSkipped: skipped, tilesTotal: grid.count, elapsed: seconds(since: start, clock)))
            }
            try stitcher.finish()
        }()
        try measure(&timings.cogSeconds) { try writer.finish() }
        timings.totalSeconds = seconds(since: start, clock)
        return RunReport(grid: stack.grid, tiling: grid, bands: stack.bandNames, classes: model.classNames,
                         tilesTotal: grid.count, tilesCommitted: done, tilesSkipped: skipped, outputs: [outputPath], timings: timings)
    }

    private static func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    @discardableResult
    private static func measure<T>(_ total: inout Double, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock(), start = clock.now
        defer { total += seconds(since: start, clock) }
        return try body()
    }
}

/// What a run did, written as JSON beside the outputs.
public struct RunReport: Codable, Sendable {
    public struct Timings: Codable, Sendable {
        public init() {}
        public var readSeconds = 0.0
        public var modelSeconds = 0.0
        public var stitchSeconds = 0.0
        public var cogSeconds = 0.0
        public var totalSeconds = 0.0
    }

    public struct Grid: Codable, Sendable {
        public let width: Int
        public let height: Int
        public let crs: String?
        public let epsg: Int?
        /// GDAL order: origin x, pixel width, row rotation, origin y, column rotation, pixel height.
        public let geoTransform: [Double]
    }

    public let grid: Grid
    public let tiling: TileGrid
    public let bands: [String]
    public let classes: [String]
    public let tilesTotal: Int
    public let tilesCommitted: Int
    public let tilesSkipped: Int
    public var outputs: [String]
    public var timings: Timings
    public var peakResidentMegabytes: Double?
    /// The tile size and overlap, and whether they were chosen for the model (set by the caller).
    public var tilingChoice: TilingChoice?

    public init(grid: RasterGrid, tiling: TileGrid, bands: [String], classes: [String], tilesTotal: Int, tilesCommitted: Int,
         tilesSkipped: Int, outputs: [String], timings: Timings) {
        self.grid = Grid(width: grid.width, height: grid.height, crs: grid.crs?.name, epsg: grid.crs?.epsg,
                         geoTransform: grid.geoTransform.coefficients)
        self.tiling = tiling
        self.bands = bands
        self.classes = classes
        self.tilesTotal = tilesTotal
        self.tilesCommitted = tilesCommitted
        self.tilesSkipped = tilesSkipped
        self.outputs = outputs
        self.timings = timings
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
