import Foundation
import Raster

/// One input file of a scene and how to put it on the reference grid.
public struct SceneSource: Sendable {
    /// Any GDAL path (already resolved against the scene folder).
    public var path: String
    /// 1-based bands to take, in order; nil for all.
    public var bands: [Int]?
    public var resampling: Resampling
    /// Overrides the file's own nodata value.
    public var noData: Double?
    /// Where the source was declared, for errors: e.g. "scene.sources[1] (pipelines/demo.yaml:9)".
    public var origin: String

    public init(path: String, bands: [Int]? = nil, resampling: Resampling = .nearest, noData: Double? = nil, origin: String? = nil) {
        self.path = path
        self.bands = bands
        self.resampling = resampling
        self.noData = noData
        self.origin = origin ?? path
    }
}

/// A scene's sources stacked band after band on one reference grid (the grid of one source): each
/// source is resampled, and reprojected if its CRS differs, through a warped VRT, so nothing is
/// read until a window is asked for — or, when the warp is a plain scale and shift of a source
/// without nodata, by the faster `SeparableLayer` (the same values; see `StackingPath`). Sources
/// are read in parallel. A pixel is valid when every stacked band has data there: nodata values
/// and areas outside a source's footprint are invalid.
public final class SceneStack {
    public let grid: RasterGrid
    /// The sources, in stack order (their paths resolved).
    public let sources: [SceneSource]
    /// The source whose grid is the stack's.
    public let reference: Int
    /// Band names in stack order, "file:band name" (or "file:band N").
    public let bandNames: [String]
    /// How each source is put on the grid, in stack order.
    public let paths: [StackingPath]
    private let layers: [StackLayer]
    private let threads: Int
    private let fastPath: Bool

    public var bandCount: Int { bandNames.count }

    /// Bands each source gives the stack, in order.
    public var sourceBandCounts: [Int] { layers.map(\.bandCount) }

    /// `fastPath: false` sends every source through GDAL's warper (for comparisons); `threads`
    /// bounds the threads reading sources and resampling bands at once.
    public init(sources: [SceneSource], reference: Int = 0, fastPath: Bool = true,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        guard !sources.isEmpty else { throw SceneError(code: .invalidArgument, message: "a scene needs at least one source") }
        guard sources.indices.contains(reference) else {
            throw SceneError(code: .invalidArgument, message: "reference source \(reference) is not one of the \(sources.count) sources")
        }
        let opened = try sources.map { source in
            try SceneStack.wrap(source) { try Dataset.open(source.path) }
        }
        let referenceSource = sources[reference]
        let grid = try SceneStack.wrap(referenceSource) { try opened[reference].grid }
        guard grid.geoTransform.isNorthUp else {
            throw SceneError(code: .sourceMismatch, message: "the reference grid of '\(referenceSource.path)' is rotated; only north-up grids are supported",
                             location: referenceSource.origin)
        }
        var layers: [StackLayer] = [], names: [String] = [], paths: [StackingPath] = []
        for (source, dataset) in zip(sources, opened) {
            try SceneStack.checkBands(source, dataset)
            try SceneStack.checkOverlap(source, dataset, grid: grid)
            let bands = source.bands ?? Array(1...dataset.bandCount)
            let fast = try fastPath ? SceneStack.wrap(source) {
                try SeparableLayer.make(source: dataset, grid: grid, resampling: source.resampling, bands: bands,
                                        sourceNoData: source.noData, threads: threads)
            } : nil
            if let fast {
                layers.append(.separable(fast))
                paths.append(fast.isIdentity ? .direct : .separable)
            } else {
                let layer = try SceneStack.wrap(source) {
                    try dataset.warped(to: grid, resampling: source.resampling, bands: bands, sourceNoData: source.noData)
                }
                layers.append(.warped(layer))
                paths.append(.warper)
            }
            let file = source.path.split(separator: "/").last.map(String.init) ?? source.path
            for band in bands {
                let name = try dataset.band(band).name
                names.append("\(file):\(name.isEmpty ? "band \(band)" : name)")
            }
        }
        self.grid = grid
        self.sources = sources
        self.reference = reference
        self.layers = layers
        self.paths = paths
        self.threads = max(1, threads)
        self.fastPath = fastPath
        bandNames = names
    }

    /// The same stack on GDAL handles of its own: GDAL datasets must not be used from two threads
    /// at once, so a second thread reading the scene (a retry beside the reading thread) opens it again.
    public func reopened() throws -> SceneStack {
        try SceneStack(sources: sources, reference: reference, fastPath: fastPath, threads: threads)
    }

    /// Reads `window` (inside the grid) of every stacked band as Float32, band-sequential, with NaN
    /// for invalid pixels.
    public func read(window: PixelWindow) throws -> [Float] {
        var values = [Float](repeating: 0, count: window.pixelCount * bandCount)
        try values.withUnsafeMutableBufferPointer { try read(window: window, into: $0, bandStride: window.pixelCount) }
        return values
    }

    /// Reads `window` of every stacked band into caller-owned memory: band b, row r, col c at
    /// `buffer[b * bandStride + r * window.width + c]` (no intermediate copies of large windows).
    /// Sources are read at the same time (each has its own GDAL handles), into disjoint bands.
    public func read(window: PixelWindow, into buffer: UnsafeMutableBufferPointer<Float>, bandStride: Int) throws {
        var firstBands: [Int] = [], band = 0
        for layer in layers {
            firstBands.append(band)
            band += layer.bandCount
        }
        precondition(buffer.count >= (band - 1) * bandStride + window.pixelCount, "buffer too small for \(band) bands of \(window)")
        let errors = ErrorSlots(count: layers.count)
        let base = SendablePointer(buffer.baseAddress!), count = buffer.count
        concurrently(layers.count, threads: threads) { i in
            let start = firstBands[i] * bandStride
            let slice = UnsafeMutableBufferPointer(start: base.pointer + start, count: count - start)
            do { try layers[i].read(window: window, into: slice, bandStride: bandStride) } catch { errors.set(i, error) }
        }
        if let error = errors.first { throw error }
    }

    /// Reads `window` of one stacked band (1-based), NaN where it has no data: only that band's
    /// file is read.
    public func read(band: Int, window: PixelWindow) throws -> [Float] {
        var first = 1
        for layer in layers {
            if band < first + layer.bandCount { return try layer.read(band: band - first + 1, window: window) }
            first += layer.bandCount
        }
        throw SceneError(code: .badBand, message: "stacked band \(band) does not exist (the scene stacks \(bandCount))")
    }

    private static func checkBands(_ source: SceneSource, _ dataset: Dataset) throws {
        for band in source.bands ?? [] where !(1...dataset.bandCount).contains(band) {
            throw SceneError(code: .badBand, message: "band \(band) does not exist in '\(source.path)' (it has \(dataset.bandCount))",
                             location: source.origin)
        }
    }

    private static func checkOverlap(_ source: SceneSource, _ dataset: Dataset, grid: RasterGrid) throws {
        let own = try wrap(source) { try dataset.grid }
        var bounds = own.bounds
        switch (own.crs, grid.crs) {
        case let (from?, to?):
            if !from.isEquivalent(to: to) { bounds = try wrap(source) { try from.transform(own.bounds, to: to) } }
        case (nil, nil):
            break
        case (nil, let to?):
            throw SceneError(code: .sourceMismatch, message: "'\(source.path)' has no CRS but the reference grid is in \(to)", location: source.origin)
        case (let from?, nil):
            throw SceneError(code: .sourceMismatch, message: "'\(source.path)' is in \(from) but the reference grid has no CRS", location: source.origin)
        }
        guard bounds.intersects(grid.bounds) else {
            throw SceneError(code: .noOverlap, message: "'\(source.path)' (\(bounds)) does not overlap the reference grid (\(grid.bounds))",
                             location: source.origin)
        }
    }

    /// Raster errors about a source get the source's origin in front.
    private static func wrap<T>(_ source: SceneSource, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RasterError {
            throw SceneError(code: .sourceMismatch, message: error.description, location: source.origin)
        }
    }
}

/// How a source is put on the reference grid (recorded in the run report).
public enum StackingPath: String, Sendable, Codable {
    /// The source is on the reference grid: read as it is.
    case direct
    /// A scale and shift without nodata: `SeparableLayer`'s separable resampling.
    case separable
    /// GDAL's warper (a warped VRT): reprojection, nodata, downsampling, average and mode.
    case warper
}

/// One source of a stack, however it reaches the grid.
private enum StackLayer {
    case warped(Dataset)
    case separable(SeparableLayer)

    var bandCount: Int {
        switch self {
        case .warped(let dataset): dataset.bandCount
        case .separable(let layer): layer.bands.count
        }
    }

    func read(window: PixelWindow, into buffer: UnsafeMutableBufferPointer<Float>, bandStride: Int) throws {
        switch self {
        case .warped(let dataset): try dataset.read(Float.self, window: window, into: buffer, lineStride: window.width, bandStride: bandStride)
        case .separable(let layer): try layer.read(window: window, into: buffer, lineStride: window.width, bandStride: bandStride)
        }
    }

    /// One band (1-based within the source's bands).
    func read(band: Int, window: PixelWindow) throws -> [Float] {
        var values = [Float](repeating: 0, count: window.pixelCount)
        switch self {
        case .warped(let dataset):
            values = try dataset.read(Float.self, bands: [band], window: window)
        case .separable(let layer):
            try layer.read(band: band, window: window, into: &values)
        }
        return values
    }
}

/// The first error thrown by parallel reads, by slot.
private final class ErrorSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error?]
    init(count: Int) { errors = Array(repeating: nil, count: count) }
    func set(_ slot: Int, _ error: Error) { lock.withLock { errors[slot] = error } }
    var first: Error? { lock.withLock { errors.compactMap { $0 }.first } }
}
