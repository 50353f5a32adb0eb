import CGDAL

extension VectorLayer {
    /// The distinct values of attribute `field` over all features, as text, sorted.
    public func distinctValues(of field: String) throws -> [String] {
        guard fieldNames.contains(field) else {
            throw RasterError(
                code: .vectorFailed, message: "layer '\(name)' has no field '\(field)' (it has \(fieldNames.joined(separator: ", ")))",
                path: dataset.path, function: "OGR_FD_GetFieldIndex")
        }
        OGR_L_ResetReading(handle)
        let index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(handle), field)
        var values = Set<String>()
        while let feature = OGR_L_GetNextFeature(handle) {
            if OGR_F_IsFieldSetAndNotNull(feature, index) != 0 { values.insert(String(cString: OGR_F_GetFieldAsString(feature, index))) }
            OGR_F_Destroy(feature)
        }
        return values.sorted()
    }

    /// Burns the polygons whose `field` equals `values[i]` into band i of a 0/1 mask on `grid`
    /// (GDAL's rasterizer: a pixel is in when its centre is, the rule `gdal_rasterize` uses by
    /// default). Returns `values.count` UInt8 bands, band-sequential, `grid.width * grid.height` each.
    /// Features in another CRS are reprojected onto the grid's by GDAL.
    public func rasterizeMasks(field: String, values: [String], grid: RasterGrid) throws -> [UInt8] {
        _ = try distinctValues(of: field)  // checks the field exists
        let burns = values.enumerated().map { index, value in
            Burn(band: index + 1, filter: "\(quoted(field, by: "\"")) = \(quoted(value, by: "'"))")
        }
        let target = try Dataset.rasterize(self, onto: grid, path: "", bandCount: values.count, burns: burns, driver: "MEM")
        return try target.read(UInt8.self, window: PixelWindow(col: 0, row: 0, width: grid.width, height: grid.height))
    }
}

/// SQL quoting: `quote` around the text, doubled inside it.
private func quoted(_ text: String, by quote: Character) -> String {
    String(quote) + String(text.flatMap { $0 == quote ? [quote, quote] : [$0] }) + String(quote)
}

extension VectorDataset {
    /// The layer named `name`, or the only layer when `name` is nil (an error when there are several).
    public func layer(named name: String?) throws -> VectorLayer {
        if let name { return try layer(named: name) }
        let names = layerNames
        guard names.count == 1 else {
            throw RasterError(
                code: .vectorFailed, message: "has \(names.count) layers (\(names.joined(separator: ", "))): name the one to use",
                path: path, function: "GDALDatasetGetLayer")
        }
        return try layer(named: names[0])
    }
}
