import CGDAL

extension Band {
    /// Category names of a classified band: entry `i` names pixel value `i` (GDAL's
    /// GDALSetRasterCategoryNames). QGIS and `gdalinfo` show them as the legend of a paletted band.
    public func setCategoryNames(_ names: [String]) throws {
        let list = CStringList(names)
        try gdalChecked("GDALSetRasterCategoryNames", path: dataset.path, code: .writeFailed) {
            GDALSetRasterCategoryNames(handle, list.pointer)
        }
    }

    /// The band's category names, empty when it has none.
    public var categoryNames: [String] {
        // GeoTIFF keeps category names in the .aux.xml side file, which GDAL 3.6's GTiff driver
        // loads lazily — on a georeferencing query, not on this one: ask for the geotransform first.
        var transform = [Double](repeating: 0, count: 6)
        _ = GDALGetGeoTransform(dataset.handle, &transform)
        guard var list = GDALGetRasterCategoryNames(handle) else { return [] }
        var names: [String] = []
        while let item = list.pointee {
            names.append(String(cString: item))
            list += 1
        }
        return names
    }
}
