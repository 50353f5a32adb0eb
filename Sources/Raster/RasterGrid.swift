/// A georeferenced pixel grid: a CRS, a north-up geotransform and a size. Scenes are stacked onto
/// one of these (the reference grid) and every output is written on it.
public struct RasterGrid: Hashable, Sendable {
    public var crs: CRS?
    public var geoTransform: GeoTransform
    public var width: Int
    public var height: Int

    public init(crs: CRS?, geoTransform: GeoTransform, width: Int, height: Int) {
        self.crs = crs
        self.geoTransform = geoTransform
        self.width = width
        self.height = height
    }

    /// Map-space bounds of the whole grid.
    public var bounds: MapBounds {
        let e = geoTransform.extent(width: width, height: height)
        return MapBounds(minX: e.minX, minY: e.minY, maxX: e.maxX, maxY: e.maxY)
    }
}

/// An axis-aligned rectangle in map coordinates.
public struct MapBounds: Hashable, Sendable, CustomStringConvertible {
    public var minX, minY, maxX, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public func intersects(_ other: MapBounds) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    public var description: String { "x \(minX)..\(maxX), y \(minY)..\(maxY)" }
}

extension Dataset {
    /// The dataset's own grid; throws when it has no geotransform.
    public var grid: RasterGrid {
        get throws {
            guard let transform = geoTransform else {
                throw RasterError(code: .invalidArgument, message: "has no geotransform (not georeferenced)", path: path)
            }
            return RasterGrid(crs: try crs, geoTransform: transform, width: width, height: height)
        }
    }
}
