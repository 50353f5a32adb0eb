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

/// How far a run is.
public struct RunProgress: Sendable {
    public let tilesDone: Int
    public let tilesSkipped: Int
    public let tilesTotal: Int
    public let elapsed: Double
    /// Workers connected to a coordinator; nil when tiles run in this process.
    public let workersConnected: Int?

    public init(tilesDone: Int, tilesSkipped: Int, tilesTotal: Int, elapsed: Double, workersConnected: Int? = nil) {
        self.tilesDone = tilesDone
        self.tilesSkipped = tilesSkipped
        self.tilesTotal = tilesTotal
        self.elapsed = elapsed
        self.workersConnected = workersConnected
    }

    public var fraction: Double { Double(tilesDone + tilesSkipped) / Double(max(tilesTotal, 1)) }
    public var tilesPerSecond: Double { elapsed > 0 ? Double(tilesDone) / elapsed : 0 }
    public var secondsLeft: Double? { fraction > 0 ? elapsed * (1 - fraction) / fraction : nil }
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
    /// CPU seconds (user + system) of this process: the coordinator's cost, workers excluded.
    public var cpuSeconds: Double?
    /// How each source was put on the grid (`StackingPath`), in stack order.
    public var stackingPaths: [StackingPath]?
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
