import CGDAL

/// An open GDAL raster dataset: a file, a `/vsimem/` buffer, a `/vsicurl/` URL, or any path GDAL can
/// open. It owns the GDAL handle and closes it (flushing pending writes) when released.
///
/// Not thread-safe, like the GDAL handle under it: give each thread its own `Dataset`.
public final class Dataset {
    public enum Access: Sendable { case readOnly, update }

    public let path: String
    let handle: GDALDatasetH
    /// A dataset this one reads from (a VRT's source), kept open as long as this one is.
    private let source: Dataset?

    init(handle: GDALDatasetH, path: String, keepingAlive source: Dataset? = nil) {
        self.handle = handle
        self.path = path
        self.source = source
    }

    deinit { GDALClose(handle) }

    /// Opens a raster. Throws `.openFailed` for a path that does not exist and `.notRaster` for a file
    /// that GDAL cannot read as a raster (not recognised, truncated, vector-only).
    public static func open(_ path: String, access: Access = .readOnly) throws -> Dataset {
        GDALRuntime.ensure()
        var flags = UInt32(GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR)
        if access == .update { flags |= UInt32(GDAL_OF_UPDATE) }
        do {
            let handle = try gdalChecked("GDALOpenEx", path: path, code: .openFailed) {
                GDALOpenEx(path, flags, nil, nil, nil)
            }
            let dataset = Dataset(handle: handle, path: path)
            guard dataset.bandCount > 0 else {
                throw RasterError(code: .notRaster, message: "has no raster bands", path: path, function: "GDALOpenEx")
            }
            return dataset
        } catch var error as RasterError where error.code == .openFailed && pathExists(path) {
            error.code = .notRaster
            throw error
        }
    }

    /// True when something exists at `path` for GDAL's virtual file system (local or /vsi*/).
    static func pathExists(_ path: String) -> Bool {
        GDALRuntime.ensure()
        return pipeline_vsi_path_exists(path) != 0
    }

    // MARK: - Description

    public var width: Int { Int(GDALGetRasterXSize(handle)) }
    public var height: Int { Int(GDALGetRasterYSize(handle)) }
    public var bandCount: Int { Int(GDALGetRasterCount(handle)) }

    /// The driver's short name, e.g. "GTiff", "COG" datasets report "GTiff" once written.
    public var driverName: String {
        guard let driver = GDALGetDatasetDriver(handle) else { return "unknown" }
        return String(cString: GDALGetDriverShortName(driver))
    }

    public var driverLongName: String {
        guard let driver = GDALGetDatasetDriver(handle) else { return "unknown" }
        return String(cString: GDALGetDriverLongName(driver))
    }

    /// The dataset's CRS, nil when it has none.
    public var crs: CRS? {
        get throws {
            guard let text = GDALGetProjectionRef(handle) else { return nil }
            return try CRS(wkt: String(cString: text))
        }
    }

    /// The geotransform, nil when the dataset has none (GDAL then reports the identity).
    public var geoTransform: GeoTransform? {
        var c = [Double](repeating: 0, count: 6)
        CPLErrorReset()
        guard GDALGetGeoTransform(handle, &c) == CE_None else { return nil }
        return GeoTransform(coefficients: c)
    }

    /// Band `index`, counted from 1 as in GDAL.
    public func band(_ index: Int) throws -> Band {
        guard (1...max(1, bandCount)).contains(index), bandCount > 0 else {
            throw RasterError(code: .invalidArgument, message: "band \(index) does not exist (the dataset has \(bandCount))", path: path)
        }
        let handle = try gdalChecked("GDALGetRasterBand", path: path, code: .invalidArgument) {
            GDALGetRasterBand(self.handle, Int32(index))
        }
        return Band(dataset: self, handle: handle, index: index)
    }

    public var bands: [Band] {
        get throws { try (1...bandCount).map { try band($0) } }
    }

    /// Dataset-level metadata items in the default domain.
    public var metadata: [String: String] {
        var result: [String: String] = [:]
        guard var list = GDALGetMetadata(handle, nil) else { return result }
        while let item = list.pointee {
            let pair = String(cString: item)
            if let eq = pair.firstIndex(of: "=") {
                result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            }
            list += 1
        }
        return result
    }

    // MARK: - Georeferencing and metadata setters

    public func setCRS(_ crs: CRS) throws {
        try gdalChecked("GDALSetProjection", path: path, code: .writeFailed) { GDALSetProjection(handle, crs.wkt) }
    }

    public func setGeoTransform(_ transform: GeoTransform) throws {
        var c = transform.coefficients
        try gdalChecked("GDALSetGeoTransform", path: path, code: .writeFailed) { GDALSetGeoTransform(handle, &c) }
    }

    public func setMetadata(_ value: String, forKey key: String) throws {
        try gdalChecked("GDALSetMetadataItem", path: path, code: .writeFailed) {
            GDALSetMetadataItem(handle, key, value, nil)
        }
    }

    /// Writes cached blocks to the file and reports any error GDAL met while doing so.
    public func flush() throws {
        try gdalChecked("GDALFlushCache", path: path, code: .writeFailed) { GDALFlushCache(handle) }
    }

    /// Builds internal (or .ovr) overviews at the given decimation factors, e.g. [2, 4, 8].
    public func buildOverviews(factors: [Int], resampling: Resampling = .average) throws {
        var levels = factors.map { Int32($0) }
        try gdalChecked("GDALBuildOverviews", path: path, code: .writeFailed) {
            GDALBuildOverviews(handle, resampling.overviewName, Int32(levels.count), &levels, 0, nil, nil, nil)
        }
    }
}
