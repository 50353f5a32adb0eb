import CGDAL

/// A GDAL vector dataset (GeoPackage, GeoJSON, ...), for writing and reading labelled polygons.
/// Lives in this module because it is the one that imports GDAL; rasters and vectors share GDAL's
/// dataset handle, drivers and error handling.
public final class VectorDataset {
    public let path: String
    let handle: GDALDatasetH

    init(handle: GDALDatasetH, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { GDALClose(handle) }

    /// Creates a GeoPackage, replacing any file at `path`. `timestamp` fixes the `last_change`
    /// stamps GDAL writes, so the same content gives the same bytes (reproducible outputs).
    public static func createGeoPackage(_ path: String, timestamp: String? = "2000-01-01T00:00:00.000Z") throws -> VectorDataset {
        let driver = try Dataset.gdalDriver("GPKG", path: path)
        deleteDataset(path)
        if let timestamp { CPLSetConfigOption("OGR_CURRENT_DATE", timestamp) }
        let handle = try gdalChecked("GDALCreate", path: path, code: .vectorFailed) {
            GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nil)
        }
        return VectorDataset(handle: handle, path: path)
    }

    public static func open(_ path: String, update: Bool = false) throws -> VectorDataset {
        GDALRuntime.ensure()
        var flags = UInt32(GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR)
        if update { flags |= UInt32(GDAL_OF_UPDATE) }
        let handle = try gdalChecked("GDALOpenEx", path: path, code: .openFailed) {
            GDALOpenEx(path, flags, nil, nil, nil)
        }
        return VectorDataset(handle: handle, path: path)
    }

    public var layerNames: [String] {
        (0..<GDALDatasetGetLayerCount(handle)).compactMap { i in
            GDALDatasetGetLayer(handle, i).map { String(cString: OGR_L_GetName($0)) }
        }
    }

    public func layer(named name: String) throws -> VectorLayer {
        guard let layer = GDALDatasetGetLayerByName(handle, name) else {
            throw RasterError(code: .vectorFailed, message: "no layer named '\(name)'", path: path, function: "GDALDatasetGetLayerByName")
        }
        return VectorLayer(dataset: self, handle: layer)
    }

    /// Creates a (multi)polygon layer with the given attribute fields.
    public func createLayer(_ name: String, crs: CRS?, fields: [FieldDefinition],
                            geometry: GeometryKind = .multiPolygon) throws -> VectorLayer {
        let srs = try crs.map { try SpatialReferenceHandle(wkt: $0.wkt) }
        let isGeoPackage = GDALGetDatasetDriver(handle).map { String(cString: GDALGetDriverShortName($0)) } == "GPKG"
        let options = CStringList(isGeoPackage ? ["SPATIAL_INDEX=YES"] : [])
        let layer = try gdalChecked("GDALDatasetCreateLayer", path: path, code: .vectorFailed) {
            GDALDatasetCreateLayer(handle, name, srs?.handle, geometry.ogr, options.pointer)
        }
        for field in fields {
            let definition = OGR_Fld_Create(field.name, field.kind.ogr)
            defer { OGR_Fld_Destroy(definition) }
            try ogrChecked("OGR_L_CreateField", path: path) { OGR_L_CreateField(layer, definition, 1) }
        }
        return VectorLayer(dataset: self, handle: layer)
    }

    /// Runs an SQL statement (the driver's dialect: SQLite for GeoPackage) and returns the rows of
    /// its result, if any, as text.
    @discardableResult
    public func executeSQL(_ sql: String) throws -> [[String]] {
        CPLErrorReset()
        let result = GDALDatasetExecuteSQL(handle, sql, nil, nil)
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue {
            if let result { GDALDatasetReleaseResultSet(handle, result) }
            throw RasterError(code: .vectorFailed, message: lastGDALMessage(), path: path, function: "GDALDatasetExecuteSQL")
        }
        guard let result else { return [] }
        defer { GDALDatasetReleaseResultSet(handle, result) }
        return VectorLayer(dataset: self, handle: result).rows()
    }

    /// Groups many writes into one transaction (much faster for GeoPackage). Formats without
    /// transactions (GeoJSON) just run `body`.
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        GDALRuntime.ensure()
        guard GDALDatasetTestCapability(handle, ODsCTransactions) != 0 else { return try body() }
        try ogrChecked("GDALDatasetStartTransaction", path: path) { GDALDatasetStartTransaction(handle, 0) }
        do {
            let value = try body()
            try ogrChecked("GDALDatasetCommitTransaction", path: path) { GDALDatasetCommitTransaction(handle) }
            return value
        } catch {
            _ = GDALDatasetRollbackTransaction(handle)
            throw error
        }
    }
}

/// An attribute column of a vector layer.
public struct FieldDefinition: Sendable {
    public enum Kind: Sendable {
        case integer, integer64, real, string
        var ogr: OGRFieldType {
            switch self {
            case .integer: OFTInteger
            case .integer64: OFTInteger64
            case .real: OFTReal
            case .string: OFTString
            }
        }
    }

    public var name: String
    public var kind: Kind

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// A layer of a `VectorDataset` (the dataset owns it; the layer keeps the dataset alive).
public struct VectorLayer {
    public let dataset: VectorDataset
    let handle: OGRLayerH

    public var name: String { String(cString: OGR_L_GetName(handle)) }

    public var featureCount: Int { Int(OGR_L_GetFeatureCount(handle, 1)) }

    /// Turns connected regions of equal value in `band` into polygons in this layer, writing the
    /// region's value into attribute `valueField` (0-based). Pixels where `mask` is 0 (or, without
    /// a mask, nothing) are skipped. 8-connectedness matches how a raster region looks to a person.
    public func polygonize(_ band: Band, mask: Band?, valueField: Int) throws {
        let options = CStringList(["8CONNECTED=8"])
        try gdalChecked("GDALPolygonize", path: dataset.path, code: .vectorFailed) {
            GDALPolygonize(band.handle, mask?.handle, handle, Int32(valueField), options.pointer, nil, nil)
        }
    }

    /// Every feature's attributes as text, in field order.
    public func rows() -> [[String]] {
        OGR_L_ResetReading(handle)
        let definition = OGR_L_GetLayerDefn(handle)
        let fieldCount = OGR_FD_GetFieldCount(definition)
        var rows: [[String]] = []
        while let feature = OGR_L_GetNextFeature(handle) {
            rows.append((0..<fieldCount).map { String(cString: OGR_F_GetFieldAsString(feature, $0)) })
            OGR_F_Destroy(feature)
        }
        return rows
    }
}
