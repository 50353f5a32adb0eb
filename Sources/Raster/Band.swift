import CGDAL

/// One band of a `Dataset` (GDAL bands are numbered from 1). Keeps its dataset alive.
public struct Band {
    public let dataset: Dataset
    let handle: GDALRasterBandH
    public let index: Int

    /// The band's type; throws for GDAL types outside `PixelType` (complex, 64-bit integers).
    public var pixelType: PixelType {
        get throws {
            let raw = GDALGetRasterDataType(handle)
            guard let type = PixelType(gdal: raw) else {
                throw RasterError(code: .unsupportedType, message: "band \(index) has unsupported type \(PixelType.gdalName(raw))", path: dataset.path)
            }
            return type
        }
    }

    /// GDAL's name of the band type, whatever it is (for display).
    public var pixelTypeName: String { PixelType.gdalName(GDALGetRasterDataType(handle)) }

    public var noDataValue: Double? {
        var has: Int32 = 0
        let value = GDALGetRasterNoDataValue(handle, &has)
        return has != 0 ? value : nil
    }

    public func setNoDataValue(_ value: Double?) throws {
        if let value {
            try gdalChecked("GDALSetRasterNoDataValue", path: dataset.path, code: .writeFailed) { GDALSetRasterNoDataValue(handle, value) }
        } else {
            try gdalChecked("GDALDeleteRasterNoDataValue", path: dataset.path, code: .writeFailed) { GDALDeleteRasterNoDataValue(handle) }
        }
    }

    /// The band's name (GDAL's band description, e.g. "Red" or "buildings").
    public var name: String { String(cString: GDALGetDescription(handle)) }

    public func setName(_ text: String) {
        GDALSetDescription(handle, text)
    }

    /// The natural block size: reads and writes aligned to it are the cheapest.
    public var blockSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    public var overviewCount: Int { Int(GDALGetOverviewCount(handle)) }

    /// Sizes of the overviews, from the largest down.
    public var overviewSizes: [(width: Int, height: Int)] {
        (0..<overviewCount).compactMap { level in
            guard let overview = GDALGetOverview(handle, Int32(level)) else { return nil }
            return (Int(GDALGetRasterBandXSize(overview)), Int(GDALGetRasterBandYSize(overview)))
        }
    }

    public var colorInterpretation: ColorInterpretation {
        ColorInterpretation(gdal: GDALGetRasterColorInterpretation(handle))
    }

    public func setColorInterpretation(_ interpretation: ColorInterpretation) throws {
        try gdalChecked("GDALSetRasterColorInterpretation", path: dataset.path, code: .writeFailed) {
            GDALSetRasterColorInterpretation(handle, interpretation.gdal)
        }
    }
}

extension Band {
    /// GDAL's scale/offset metadata: physical value = stored value * scale + offset. Readers such as
    /// rasterio and QGIS use it to unscale quantized outputs.
    public func setScale(_ scale: Double, offset: Double) throws {
        try gdalChecked("GDALSetRasterScale", path: dataset.path, code: .writeFailed) { GDALSetRasterScale(handle, scale) }
        try gdalChecked("GDALSetRasterOffset", path: dataset.path, code: .writeFailed) { GDALSetRasterOffset(handle, offset) }
    }

    public var scale: Double { GDALGetRasterScale(handle, nil) }
    public var offset: Double { GDALGetRasterOffset(handle, nil) }
}
