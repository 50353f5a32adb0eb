import Raster
import Scene
import TestSupport

/// Small hand-made decided-mask rasters (one UInt8 band per class: 1, 0, or 255 = nodata) on a
/// UTM grid with 2 m pixels (4 m² each).
enum DecidedFixtures {
    static let pixelSize = 2.0
    static func grid(_ width: Int, _ height: Int) throws -> RasterGrid {
        RasterGrid(crs: try CRS(epsg: 32631), geoTransform: .northUp(originX: 500_000, originY: 5_700_000, pixelWidth: pixelSize, pixelHeight: pixelSize),
                   width: width, height: height)
    }

    static let three = ClassSet([
        SceneClass(id: 1, name: "buildings", label: "Buildings", color: RGBA(200, 60, 60), priority: 5),
        SceneClass(id: 3, name: "road", label: "Road", color: RGBA(60, 60, 60), priority: 1),
        SceneClass(id: 9, name: "car", label: "Car", color: RGBA(240, 130, 20), priority: 9),
    ])

    /// Writes a decided raster whose value for class k at (row, col) is `value(k, row, col)`.
    @discardableResult
    static func write(_ path: String, width: Int, height: Int, classes: ClassSet,
                      value: (Int, Int, Int) -> UInt8) throws -> DecidedMasks {
        do {  // closed at the end of the block: a GeoTIFF's tile index is written on close
            let dataset = try Dataset.create(path, grid: grid(width, height), bandCount: classes.count, pixelType: .uint8,
                                             options: GeoTIFFOptions(blockSize: 16))
            var values: [UInt8] = []
            for k in 0..<classes.count {
                for r in 0..<height { for c in 0..<width { values.append(value(k, r, c)) } }
            }
            try dataset.write(values, window: .full(width: width, height: height))
            for (i, sceneClass) in classes.classes.enumerated() { try dataset.band(i + 1).setName(sceneClass.name) }
        }
        return try DecidedMasks(path: path, classes: classes)
    }

    /// Rows of characters as a mask: "#" = 1, "." = 0, "x" = 255.
    static func parse(_ rows: [String]) -> (Int, Int) -> UInt8 {
        let chars = rows.map(Array.init)
        return { r, c in
            switch chars[r][c] {
            case "#": 1
            case "x": 255
            default: 0
            }
        }
    }
}
