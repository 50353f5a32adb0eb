import CGDAL

extension Dataset {
    /// A virtual Float32 view of (some bands of) this dataset on `grid`, resampled with `resampling`
    /// and reprojected when the CRSs differ: a warped VRT, computed window by window as it is read,
    /// so nothing is held in memory. Pixels that are nodata in the source (its own nodata value, or
    /// `sourceNoData`) or outside its footprint read as NaN. Uses GDAL's gdalwarp library, so the
    /// result equals `gdalwarp -te ... -ts ... -r ...` to the same grid.
    public func warped(to grid: RasterGrid, resampling: Resampling, bands: [Int]? = nil,
                       sourceNoData: Double? = nil) throws -> Dataset {
        guard grid.geoTransform.isNorthUp else {
            throw RasterError(code: .invalidArgument, message: "the reference grid must be north-up to warp onto it", path: path)
        }
        var source: Dataset = self
        if let bands {
            for band in bands where !(1...bandCount).contains(band) {
                throw RasterError(code: .invalidArgument, message: "band \(band) does not exist (the file has \(bandCount))", path: path)
            }
            source = try translatedToVRT(["-b"] .flatMapBands(bands))
        }
        let b = grid.bounds
        var arguments = ["-of", "VRT", "-ot", "Float32", "-r", resampling.warpName,
                         "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                         "-ts", "\(grid.width)", "\(grid.height)", "-dstnodata", "nan"]
        if let crs = grid.crs { arguments += ["-t_srs", crs.wkt] }
        if let sourceNoData { arguments += ["-srcnodata", "\(sourceNoData)"] }
        let options = CStringList(arguments)
        guard let warpOptions = GDALWarpAppOptionsNew(options.pointer, nil) else {
            throw RasterError(code: .invalidArgument, message: "bad warp options \(arguments)", path: path, function: "GDALWarpAppOptionsNew")
        }
        defer { GDALWarpAppOptionsFree(warpOptions) }
        var sources: [GDALDatasetH?] = [source.handle]
        var usageError: Int32 = 0
        let handle = try gdalChecked("GDALWarp", path: path, code: .readFailed) {
            GDALWarp("", nil, 1, &sources, warpOptions, &usageError)
        }
        return Dataset(handle: handle, path: path, keepingAlive: source)
    }

    /// A VRT of this dataset made with gdal_translate's arguments (e.g. band selection).
    func translatedToVRT(_ arguments: [String]) throws -> Dataset {
        let options = CStringList(["-of", "VRT"] + arguments)
        guard let translateOptions = GDALTranslateOptionsNew(options.pointer, nil) else {
            throw RasterError(code: .invalidArgument, message: "bad translate options \(arguments)", path: path, function: "GDALTranslateOptionsNew")
        }
        defer { GDALTranslateOptionsFree(translateOptions) }
        var usageError: Int32 = 0
        let handle = try gdalChecked("GDALTranslate", path: path, code: .readFailed) {
            GDALTranslate("", self.handle, translateOptions, &usageError)
        }
        return Dataset(handle: handle, path: path, keepingAlive: self)
    }
}

private extension Array where Element == String {
    /// ["-b"].flatMapBands([1, 3]) == ["-b", "1", "-b", "3"]
    func flatMapBands(_ bands: [Int]) -> [String] { bands.flatMap { self + [String($0)] } }
}

extension Resampling {
    /// gdalwarp's -r names.
    var warpName: String {
        switch self {
        case .nearest: "near"
        case .bilinear: "bilinear"
        case .cubic: "cubic"
        case .average: "average"
        case .mode: "mode"
        }
    }
}
