import CGDAL

extension Band {
    /// True when GDAL reports every pixel of the band as valid: no nodata value, no per-dataset
    /// mask, no alpha band (`GMF_ALL_VALID`). Stacking takes its fast path only for such bands.
    public var isAllValid: Bool { GDALGetMaskFlags(handle) == GMF_ALL_VALID }
}
