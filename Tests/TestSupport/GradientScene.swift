import Raster
import Scene

/// A small georeferenced scene for run tests: 90 x 70 px, 2 UInt16 bands of a gradient that
/// differs per band and pixel (so a tile stitched in the wrong place changes the output).
public enum GradientScene {
    public static let width = 90, height = 70

    /// Writes `scene.tif` in `directory` and returns its stack.
    public static func stack(in directory: TemporaryDirectory) throws -> SceneStack {
        let path = directory.file("scene.tif")
        let dataset = try Dataset.create(path, width: width, height: height, bandCount: 2, pixelType: .uint16)
        try dataset.setCRS(try CRS(epsg: 32631))
        try dataset.setGeoTransform(.northUp(originX: 431_000, originY: 5_612_000, pixelWidth: 0.5, pixelHeight: 0.5))
        var values: [UInt16] = []
        for b in 0..<2 { for y in 0..<height { for x in 0..<width { values.append(UInt16((b * 500 + x * 13 + y * 7) % 2048)) } } }
        try dataset.write(values, window: .full(width: width, height: height))
        try dataset.flush()
        return try SceneStack(sources: [SceneSource(path: path)])
    }
}
