import CGDAL

/// One pass of a rasterization: the features of a layer that match `filter` (an OGR SQL WHERE
/// clause; nil = all) write `value` into band `band` of the target.
public struct Burn: Sendable {
    public var band: Int
    public var value: Double
    public var filter: String?

    public init(band: Int, value: Double = 1, filter: String? = nil) {
        self.band = band
        self.value = value
        self.filter = filter
    }
}

extension VectorLayer {
    /// Burns this layer's polygons into `target` with GDALRasterizeLayers: a pixel is burnt when its
    /// centre lies inside a polygon (or, with `allTouched`, when the polygon touches it). GDAL works
    /// through the target in chunks of rows, so memory stays bounded by its block cache whatever
    /// the raster's size. The layer is reprojected to the target's CRS when they differ.
    public func rasterize(into target: Dataset, burns: [Burn], allTouched: Bool = false) throws {
        let options = CStringList(allTouched ? ["ALL_TOUCHED=TRUE"] : [])
        defer { _ = OGR_L_SetAttributeFilter(handle, nil) }
        for burn in burns {
            guard (1...target.bandCount).contains(burn.band) else {
                throw RasterError(code: .invalidArgument, message: "band \(burn.band) does not exist (the target has \(target.bandCount))", path: target.path)
            }
            try setAttributeFilter(burn.filter)
            var bands: [Int32] = [Int32(burn.band)]
            var layers: [OGRLayerH?] = [handle]
            var values: [Double] = [burn.value]
            try gdalChecked("GDALRasterizeLayers", path: dataset.path, code: .writeFailed) {
                GDALRasterizeLayers(target.handle, 1, &bands, 1, &layers, nil, nil, &values, options.pointer, nil, nil)
            }
        }
        try target.flush()
    }
}

extension Dataset {
    /// A new raster at `path` on `grid` (zero everywhere), with `layer` burnt into it as `burns` say.
    /// One implementation for every "polygons onto the run's grid" need (ground truth for
    /// evaluation and for training).
    public static func rasterize(
        _ layer: VectorLayer, onto grid: RasterGrid, path: String, bandCount: Int, pixelType: PixelType = .uint8,
        burns: [Burn], allTouched: Bool = false, options: GeoTIFFOptions = GeoTIFFOptions(interleavePixels: false),
        driver: String = "GTiff"
    ) throws -> Dataset {
        let target = try Dataset.create(path, grid: grid, bandCount: bandCount, pixelType: pixelType, options: options, driver: driver)
        try layer.rasterize(into: target, burns: burns, allTouched: allTouched)
        return target
    }
}
