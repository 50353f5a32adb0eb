import Foundation
import Raster

/// Writes stitched per-class probabilities to a georeferenced Cloud-Optimized GeoTIFF: strips go
/// into an uncompressed tiled GeoTIFF beside the output as they finish (uncompressed, so strips that
/// end inside a block rewrite it in place), and `finish` turns it into the COG (DEFLATE, overviews)
/// and removes it. One UInt8 band per class, named after it, nodata 255, scale 1/254.
public final class ProbabilityRasterWriter: StripSink {
    public let path: String
    private let partialPath: String
    private var dataset: Dataset?

    public init(path: String, grid: RasterGrid, classNames: [String]) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        partialPath = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial.tif").path
        let dataset = try Dataset.create(partialPath, width: grid.width, height: grid.height, bandCount: classNames.count,
                                         pixelType: .uint8, options: GeoTIFFOptions(compression: .none, interleavePixels: false))
        if let crs = grid.crs { try dataset.setCRS(crs) }
        try dataset.setGeoTransform(grid.geoTransform)
        for (i, name) in classNames.enumerated() {
            let band = try dataset.band(i + 1)
            band.setName(name)
            try band.setNoDataValue(Double(ProbabilityQuantization.noData))
            try band.setScale(ProbabilityQuantization.scale, offset: 0)
        }
        self.dataset = dataset
    }

    public func write(window: PixelWindow, values: [UInt8]) throws {
        guard let dataset else { throw SceneError(code: .invalidArgument, message: "writer already finished", location: path) }
        try dataset.write(values, window: window)
    }

    /// Writes the COG and removes the partial file. Returns the COG's path.
    @discardableResult
    public func finish() throws -> String {
        guard let dataset else { return path }
        try dataset.copyAsCOG(to: path, options: COGOptions(blockSize: 512, compression: .deflate, predictor: .horizontal,
                                                            overviewResampling: .average))
        self.dataset = nil
        deleteDataset(partialPath)
        return path
    }

    deinit {
        // An unfinished run leaves no partial file behind.
        if dataset != nil {
            dataset = nil
            deleteDataset(partialPath)
        }
    }
}
