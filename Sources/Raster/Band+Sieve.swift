import CGDAL

extension Band {
    /// GDAL's sieve filter (`GDALSieveFilter`, as `gdal_sieve.py`): regions (of equal value) smaller
    /// than `threshold` pixels are merged into their largest neighbour, written into `destination`
    /// (may be this band). With `mask`, pixels where it is 0 are left alone.
    ///
    /// The post-processing `min_area` rule clears small regions instead of merging them; its tests
    /// compare with this.
    public func sieve(threshold: Int, eightConnected: Bool, mask: Band? = nil, into destination: Band) throws {
        try gdalChecked("GDALSieveFilter", path: dataset.path, code: .writeFailed) {
            GDALSieveFilter(handle, mask?.handle, destination.handle, Int32(threshold), eightConnected ? 8 : 4, nil, nil, nil)
        }
    }
}
