import Foundation
import Raster
import Scene

/// A scene whose file is cut short after it was opened: its first rows read, the rest fail in
/// GDAL with a read error, as a file damaged or still being copied would mid-scene.
public enum TruncatedScene {
    public static let width = 90, height = 200

    /// Writes `path` (2 UInt16 bands, 16 px blocks, uncompressed), opens its stack, then keeps
    /// only `fraction` of the file's bytes.
    public static func stack(at path: String, keeping fraction: Double = 0.6) throws -> SceneStack {
        try write(path)
        let stack = try SceneStack(sources: [SceneSource(path: path)])
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(Double(size) * fraction))
        try handle.close()
        return stack
    }

    /// Written and closed here (the handle must not write again after the cut).
    private static func write(_ path: String) throws {
        let dataset = try Dataset.create(path, width: width, height: height, bandCount: 2, pixelType: .uint16,
                                         options: GeoTIFFOptions(blockSize: 16, compression: .none))
        try dataset.setCRS(try CRS(epsg: 32631))
        try dataset.setGeoTransform(.northUp(originX: 431_000, originY: 5_612_000, pixelWidth: 0.5, pixelHeight: 0.5))
        var values: [UInt16] = []
        for b in 0..<2 { for y in 0..<height { for x in 0..<width { values.append(UInt16(1 + (b * 500 + x * 13 + y * 7) % 2047)) } } }
        try dataset.write(values, window: .full(width: width, height: height))
        try dataset.flush()
    }
}
