/// GDAL's affine geotransform, in GDAL's order: map x = originX + col * pixelWidth + row * rowRotation,
/// map y = originY + col * colRotation + row * pixelHeight. (col, row) are pixel-corner coordinates;
/// a north-up image has zero rotations and a negative `pixelHeight`.
public struct GeoTransform: Hashable, Sendable, CustomStringConvertible {
    public var originX: Double
    public var pixelWidth: Double
    public var rowRotation: Double
    public var originY: Double
    public var colRotation: Double
    public var pixelHeight: Double

    public init(originX: Double, pixelWidth: Double, rowRotation: Double = 0,
                originY: Double, colRotation: Double = 0, pixelHeight: Double) {
        self.originX = originX
        self.pixelWidth = pixelWidth
        self.rowRotation = rowRotation
        self.originY = originY
        self.colRotation = colRotation
        self.pixelHeight = pixelHeight
    }

    /// A north-up transform with square or rectangular pixels.
    public static func northUp(originX: Double, originY: Double, pixelWidth: Double, pixelHeight: Double) -> GeoTransform {
        GeoTransform(originX: originX, pixelWidth: pixelWidth, originY: originY, pixelHeight: -abs(pixelHeight))
    }

    /// GDAL's six coefficients, in GDAL's order.
    public var coefficients: [Double] { [originX, pixelWidth, rowRotation, originY, colRotation, pixelHeight] }

    public init(coefficients c: [Double]) {
        precondition(c.count == 6, "a geotransform has 6 coefficients")
        self.init(originX: c[0], pixelWidth: c[1], rowRotation: c[2], originY: c[3], colRotation: c[4], pixelHeight: c[5])
    }

    public var isNorthUp: Bool { rowRotation == 0 && colRotation == 0 }

    /// Map coordinates of a pixel-space point (corner convention: (0, 0) is the top-left corner).
    public func map(col: Double, row: Double) -> (x: Double, y: Double) {
        (originX + col * pixelWidth + row * rowRotation, originY + col * colRotation + row * pixelHeight)
    }

    /// Map-space bounding box of a raster of the given size.
    public func extent(width: Int, height: Int) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let corners = [map(col: 0, row: 0), map(col: Double(width), row: 0),
                       map(col: 0, row: Double(height)), map(col: Double(width), row: Double(height))]
        return (corners.map(\.x).min()!, corners.map(\.y).min()!, corners.map(\.x).max()!, corners.map(\.y).max()!)
    }

    public var description: String {
        coefficients.map { String($0) }.joined(separator: ", ")
    }
}
