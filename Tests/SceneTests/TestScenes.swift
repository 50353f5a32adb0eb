import TestSupport
import Foundation
import Raster
import Scene

/// Small georeferenced rasters written for a test, in UTM 31N.
enum TestScenes {
    static let crs = try! CRS(epsg: 32631)

    /// A `bands`-band UInt16 GeoTIFF whose values come from `value(band, x, y)`.
    @discardableResult
    static func write(_ path: String, width: Int, height: Int, bands: Int, origin: (Double, Double) = (500_000, 5_700_000),
                      pixel: Double = 1, noData: Double? = nil, crs: CRS? = TestScenes.crs,
                      value: (Int, Int, Int) -> UInt16) throws -> Dataset {
        let dataset = try Dataset.create(path, width: width, height: height, bandCount: bands, pixelType: .uint16,
                                         options: GeoTIFFOptions(blockSize: 16, compression: .none))
        if let crs { try dataset.setCRS(crs) }
        try dataset.setGeoTransform(.northUp(originX: origin.0, originY: origin.1, pixelWidth: pixel, pixelHeight: pixel))
        if let noData { for b in 1...bands { try dataset.band(b).setNoDataValue(noData) } }
        var values: [UInt16] = []
        values.reserveCapacity(width * height * bands)
        for b in 0..<bands { for y in 0..<height { for x in 0..<width { values.append(value(b, x, y)) } } }
        try dataset.write(values, window: .full(width: width, height: height))
        try dataset.flush()
        return dataset
    }

    /// Runs the stitching path in process with an in-memory sink, committing tiles in `order`
    /// (all rows are planned first, so any order is allowed). Returns the stitched planes.
    static func stitch(stack: SceneStack, model: IdentityModel, options: TilingOptions, order: (inout [TileInput]) -> Void = { _ in }) throws -> [UInt8] {
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        let sink = MemoryStripSink(width: grid.width, height: grid.height, classCount: model.classNames.count)
        try stitch(stack: stack, model: model, options: options, grid: grid, sink: sink, order: order)
        precondition(sink.writtenRows == grid.height)
        return sink.values
    }

    /// The same into a probabilities COG at `path`; returns the number of tiles committed.
    @discardableResult
    static func stitch(stack: SceneStack, model: IdentityModel, options: TilingOptions, to path: String,
                       order: (inout [TileInput]) -> Void = { _ in }) throws -> Int {
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        let writer = try ProbabilityRasterWriter(path: path, grid: stack.grid, classNames: model.classNames)
        let count = try stitch(stack: stack, model: model, options: options, grid: grid, sink: writer, order: order)
        try writer.finish()
        return count
    }

    private static func stitch(stack: SceneStack, model: IdentityModel, options: TilingOptions, grid: TileGrid, sink: StripSink,
                               order: (inout [TileInput]) -> Void) throws -> Int {
        let feeder = TileFeeder(reader: try TileRowReader(stack: stack, grid: grid, padding: options.padding), grid: grid)
        let stitcher = try Stitcher(grid: grid, classCount: model.classNames.count, window: options.window, sink: sink)
        var inputs: [TileInput] = []
        while let (_, input) = try feeder.next(plan: { try stitcher.plan(tileRow: $0, tiles: $1) }, skip: { try stitcher.withdraw($0) }) {
            inputs.append(options.normalization.prepare(input))
        }
        order(&inputs)
        for input in inputs {
            try stitcher.commit(input.tile, probabilities: ProbabilityQuantization.quantize(model.predict(input)), validity: input.validity)
        }
        try stitcher.finish()
        return inputs.count
    }
}
