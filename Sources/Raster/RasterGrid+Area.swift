import CGDAL

extension CRS {
    /// Metres per unit of map coordinates for a projected CRS (1 for UTM, 0.3048 for international
    /// feet); nil for a geographic CRS, whose degrees have no fixed length.
    public var metresPerUnit: Double? {
        guard let srs = try? SpatialReferenceHandle(wkt: wkt), OSRIsProjected(srs.handle) != 0 else { return nil }
        let factor = OSRGetLinearUnits(srs.handle, nil)
        return factor > 0 ? factor : nil
    }
}

extension RasterGrid {
    /// The area of one pixel in map units² (the geotransform's determinant, so rotated grids count right).
    public var pixelArea: Double {
        let t = geoTransform
        return abs(t.pixelWidth * t.pixelHeight - t.rowRotation * t.colRotation)
    }

    /// The area of one pixel in m², nil when the grid has no CRS or a geographic one.
    public var pixelAreaSquareMetres: Double? {
        guard let metres = crs?.metresPerUnit else { return nil }
        return pixelArea * metres * metres
    }

    /// True when `other` has the same size, geotransform and (equivalent) CRS: pixels correspond one to one.
    public func isSameGrid(as other: RasterGrid) -> Bool {
        guard width == other.width, height == other.height, geoTransform == other.geoTransform else { return false }
        switch (crs, other.crs) {
        case (nil, nil): return true
        case let (a?, b?): return a == b || a.isEquivalent(to: b)
        default: return false
        }
    }
}

extension Dataset {
    /// Creates a GeoTIFF (or a dataset of another driver that supports Create) georeferenced on `grid`.
    public static func create(
        _ path: String, grid: RasterGrid, bandCount: Int, pixelType: PixelType,
        options: GeoTIFFOptions = GeoTIFFOptions(), driver: String = "GTiff"
    ) throws -> Dataset {
        let dataset = try create(path, width: grid.width, height: grid.height, bandCount: bandCount, pixelType: pixelType,
                                 options: options, driver: driver)
        if let crs = grid.crs { try dataset.setCRS(crs) }
        try dataset.setGeoTransform(grid.geoTransform)
        return dataset
    }

    /// A single-band virtual view (VRT) of band `index`, with `noData` as its nodata value when
    /// given: lets a COG be written from one band of a multi-band file without copying it first.
    public func bandView(_ index: Int, noData: Double? = nil) throws -> Dataset {
        guard (1...max(bandCount, 1)).contains(index) else {
            throw RasterError(code: .invalidArgument, message: "band \(index) does not exist (the file has \(bandCount))", path: path)
        }
        var arguments = ["-b", String(index)]
        if let noData { arguments += ["-a_nodata", String(noData)] }
        return try translatedToVRT(arguments)
    }
}
