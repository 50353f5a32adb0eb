import CGDAL

/// Compression codecs for GeoTIFF and COG outputs.
public enum Compression: String, Sendable {
    case none = "NONE", deflate = "DEFLATE", zstd = "ZSTD", lzw = "LZW"
}

/// TIFF predictors: `.horizontal` suits integer imagery, `.floatingPoint` Float32/64 rasters.
public enum Predictor: Int, Sendable {
    case none = 1, horizontal = 2, floatingPoint = 3
}

/// Creation options for a tiled GeoTIFF written window by window.
public struct GeoTIFFOptions: Sendable {
    public var tiled = true
    public var blockSize = 256
    public var compression: Compression = .deflate
    public var predictor: Predictor = .none
    /// Pixel interleaving keeps all bands of a tile together (fast multi-band window writes);
    /// band interleaving suits per-band access.
    public var interleavePixels = true
    /// Any other GTiff creation option as "KEY=VALUE".
    public var extra: [String] = []

    public init(tiled: Bool = true, blockSize: Int = 256, compression: Compression = .deflate,
                predictor: Predictor = .none, interleavePixels: Bool = true, extra: [String] = []) {
        self.tiled = tiled
        self.blockSize = blockSize
        self.compression = compression
        self.predictor = predictor
        self.interleavePixels = interleavePixels
        self.extra = extra
    }

    var gdalOptions: [String] {
        var options = ["BIGTIFF=IF_SAFER", "COMPRESS=\(compression.rawValue)",
                       "INTERLEAVE=\(interleavePixels ? "PIXEL" : "BAND")"]
        if tiled { options += ["TILED=YES", "BLOCKXSIZE=\(blockSize)", "BLOCKYSIZE=\(blockSize)"] }
        if compression != .none && predictor != .none { options.append("PREDICTOR=\(predictor.rawValue)") }
        return options + extra
    }
}

/// Creation options for a Cloud-Optimized GeoTIFF (tiled, with overviews, written by CreateCopy).
public struct COGOptions: Sendable {
    public var blockSize = 512
    public var compression: Compression = .deflate
    public var predictor: Predictor = .none
    public var overviewResampling: Resampling = .average
    public var extra: [String] = []

    public init(blockSize: Int = 512, compression: Compression = .deflate, predictor: Predictor = .none,
                overviewResampling: Resampling = .average, extra: [String] = []) {
        self.blockSize = blockSize
        self.compression = compression
        self.predictor = predictor
        self.overviewResampling = overviewResampling
        self.extra = extra
    }

    var gdalOptions: [String] {
        var options = ["BIGTIFF=IF_SAFER", "COMPRESS=\(compression.rawValue)", "BLOCKSIZE=\(blockSize)",
                       "OVERVIEW_RESAMPLING=\(overviewResampling.overviewName)"]
        if compression != .none && predictor != .none {
            options.append("PREDICTOR=\(predictor == .floatingPoint ? "FLOATING_POINT" : "STANDARD")")
        }
        return options + extra
    }
}

extension Dataset {
    /// Creates a GeoTIFF (or, with `driver`, another format that supports Create, e.g. "MEM").
    public static func create(
        _ path: String, width: Int, height: Int, bandCount: Int, pixelType: PixelType,
        options: GeoTIFFOptions = GeoTIFFOptions(), driver driverName: String = "GTiff"
    ) throws -> Dataset {
        guard width > 0, height > 0, bandCount > 0 else {
            throw RasterError(code: .invalidArgument, message: "cannot create a \(width)x\(height) raster with \(bandCount) bands", path: path)
        }
        let driver = try gdalDriver(driverName, path: path)
        let list = CStringList(driverName == "GTiff" ? options.gdalOptions : [])
        let handle = try gdalChecked("GDALCreate", path: path, code: .createFailed) {
            GDALCreate(driver, path, Int32(width), Int32(height), Int32(bandCount), pixelType.gdal, list.pointer)
        }
        return Dataset(handle: handle, path: path)
    }

    /// Copies this dataset into a Cloud-Optimized GeoTIFF at `path` (COG needs CreateCopy: it
    /// writes overviews and tiles in the order a COG reader expects), and returns it opened.
    @discardableResult
    public func copyAsCOG(to path: String, options: COGOptions = COGOptions()) throws -> Dataset {
        try flush()
        let driver = try Dataset.gdalDriver("COG", path: path)
        let list = CStringList(options.gdalOptions)
        let handle = try gdalChecked("GDALCreateCopy", path: path, code: .createFailed) {
            GDALCreateCopy(driver, path, self.handle, 0, list.pointer, nil, nil)
        }
        return Dataset(handle: handle, path: path)
    }

    static func gdalDriver(_ name: String, path: String) throws -> GDALDriverH {
        GDALRuntime.ensure()
        guard let driver = GDALGetDriverByName(name) else {
            throw RasterError(code: .createFailed, message: "GDAL has no '\(name)' driver", path: path, function: "GDALGetDriverByName")
        }
        return driver
    }
}

/// Deletes a dataset and its side files (.ovr, .aux.xml) through its driver; no error if absent.
public func deleteDataset(_ path: String) {
    GDALRuntime.ensure()
    guard Dataset.pathExists(path) else { return }
    CPLErrorReset()
    if GDALDeleteDataset(nil, path) != CE_None { VSIUnlink(path) }
}
