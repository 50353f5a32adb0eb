import Raster
import Scene

/// A band-interleaved copy of the decided masks (values as they are: 1, 0, 255), written strip by
/// strip during the exporter's one pass. Each class then reads alone — for its mask COG and its
/// polygons — instead of decoding every class's pixels again, whatever the layout of the decided
/// raster. ZSTD at level 1: scratch space is cheap to compress fast and small enough on disk.
final class BandScratch {
    let path: String
    private(set) var dataset: Dataset

    init(masks: DecidedMasks, scratchDirectory: String) throws {
        path = "\(scratchDirectory)/decided-by-band.tif"
        dataset = try Dataset.create(path, grid: masks.grid, bandCount: masks.classes.count, pixelType: .uint8,
                                     options: GeoTIFFOptions(blockSize: 512, compression: .zstd, interleavePixels: false, extra: ["ZSTD_LEVEL=1"]))
        for band in try dataset.bands { try band.setNoDataValue(Double(DecidedMasks.noData)) }
    }

    func write(window: PixelWindow, values: [UInt8]) throws {
        try dataset.write(values, window: window)
    }
}
