import Raster
import Scene

/// Writes `masks/NAME.tif`: each class band of the decided masks as its own binary COG (1 present,
/// 0 absent, nodata 255). Copied from a one-band view of `source` (the decided masks, band by
/// band): GDAL streams it block by block, nothing is held in memory.
enum MaskRasters {
    static func write(_ masks: DecidedMasks, source: Dataset, directory: String) throws -> [String] {
        try masks.classes.classes.enumerated().map { k, sceneClass in
            let view = try source.bandView(k + 1, noData: Double(DecidedMasks.noData))
            let band = try view.band(1)
            band.setName(sceneClass.name)
            try band.setColorInterpretation(.gray)
            let path = "\(directory)/\(sceneClass.name).tif"
            try view.copyAsCOG(to: path, options: COGOptions(blockSize: 512, compression: .deflate, predictor: .none, overviewResampling: .mode))
            return path
        }
    }
}
