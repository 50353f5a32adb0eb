import CGDAL

extension VectorDataset {
    /// Creates a GeoJSON file, replacing any file at `path`. Coordinates stay in the layer's CRS
    /// (GDAL writes it as a legacy "crs" member when it is not WGS 84), at full precision.
    public static func createGeoJSON(_ path: String) throws -> VectorDataset {
        let driver = try Dataset.gdalDriver("GeoJSON", path: path)
        deleteDataset(path)
        let handle = try gdalChecked("GDALCreate", path: path, code: .vectorFailed) {
            GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nil)
        }
        return VectorDataset(handle: handle, path: path)
    }

    /// The only layer of the dataset; throws, naming the layers, when there are none or several.
    public func onlyLayer() throws -> VectorLayer {
        let names = layerNames
        guard names.count == 1 else {
            let list = names.isEmpty ? "none" : names.joined(separator: ", ")
            throw RasterError(code: .vectorFailed, message: "expected one layer, found \(names.count) (\(list)); name the layer", path: path)
        }
        return try layer(named: names[0])
    }
}

extension VectorLayer {
    /// The layer's CRS, nil when it has none.
    public var crs: CRS? {
        get throws {
            guard let srs = OGR_L_GetSpatialRef(handle) else { return nil }
            var text: UnsafeMutablePointer<CChar>? = nil
            try ogrChecked("OSRExportToWkt", path: dataset.path) { OSRExportToWkt(srs, &text) }
            defer { VSIFree(text) }
            return try CRS(wkt: text.map { String(cString: $0) } ?? "")
        }
    }

    /// Attribute field names, in field order.
    public var fieldNames: [String] {
        let definition = OGR_L_GetLayerDefn(handle)
        return (0..<OGR_FD_GetFieldCount(definition)).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, $0))) }
    }

    /// The bounding box of all features, nil for an empty layer.
    public var extent: MapBounds? {
        var envelope = OGREnvelope()
        guard OGR_L_GetExtent(handle, &envelope, 1) == OGRERR_NONE else { return nil }
        return MapBounds(minX: envelope.MinX, minY: envelope.MinY, maxX: envelope.MaxX, maxY: envelope.MaxY)
    }

    /// Restricts reads (and rasterization) to features matching an OGR SQL WHERE clause; nil clears it.
    public func setAttributeFilter(_ clause: String?) throws {
        try ogrChecked("OGR_L_SetAttributeFilter", path: dataset.path) { OGR_L_SetAttributeFilter(handle, clause) }
    }

    /// Calls `body` with each feature's geometry (features without one are skipped), in layer order.
    public func forEachGeometry(_ body: (Geometry) throws -> Void) throws {
        OGR_L_ResetReading(handle)
        while let feature = OGR_L_GetNextFeature(handle) {
            let geometry = OGR_F_StealGeometry(feature)
            OGR_F_Destroy(feature)
            if let geometry { try body(Geometry(owning: geometry)) }
        }
    }

    /// Appends a feature: `values` in field order, then the geometry (copied).
    public func addFeature(geometry: Geometry, values: [FieldValue]) throws {
        let definition = OGR_L_GetLayerDefn(handle)
        guard values.count == Int(OGR_FD_GetFieldCount(definition)) else {
            throw RasterError(code: .invalidArgument, message: "\(values.count) values for \(OGR_FD_GetFieldCount(definition)) fields of layer '\(name)'", path: dataset.path)
        }
        guard let feature = OGR_F_Create(definition) else {
            throw RasterError(code: .vectorFailed, message: "cannot create a feature", path: dataset.path, function: "OGR_F_Create")
        }
        defer { OGR_F_Destroy(feature) }
        for (i, value) in values.enumerated() {
            let field = Int32(i)
            switch value {
            case .integer(let v): OGR_F_SetFieldInteger64(feature, field, GIntBig(v))
            case .real(let v): OGR_F_SetFieldDouble(feature, field, v)
            case .string(let v): OGR_F_SetFieldString(feature, field, v)
            case .null: OGR_F_SetFieldNull(feature, field)
            }
        }
        try ogrChecked("OGR_F_SetGeometry", path: dataset.path) { OGR_F_SetGeometry(feature, geometry.handle) }
        try ogrChecked("OGR_L_CreateFeature", path: dataset.path) { OGR_L_CreateFeature(handle, feature) }
    }
}
