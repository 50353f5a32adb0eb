import CGDAL

/// One-time GDAL set-up shared by every entry point of this module.
enum GDALRuntime {
    /// Registers drivers, silences GDAL's own printing (errors are thrown instead), and bounds the
    /// block cache so memory does not grow with scene size (GDAL's default is 5% of RAM).
    /// Users can still override the cache with the usual `GDAL_CACHEMAX` environment variable.
    static let ready: Void = {
        GDALAllRegister()
        pipeline_gdal_silence_errors()
        if CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil {
            CPLSetConfigOption("GDAL_CACHEMAX", "128")
        }
    }()

    static func ensure() { _ = ready }
}

/// The last error GDAL recorded on this thread, as text (GDAL keeps one per thread).
func lastGDALMessage() -> String {
    guard let message = CPLGetLastErrorMsg(), message.pointee != 0 else { return "unknown GDAL error" }
    return String(cString: message)
}

/// Calls a GDAL function that returns a handle, throwing a `RasterError` that names the function and
/// the path when it returns NULL or records an error of severity `CE_Failure` or worse.
func gdalChecked<Handle>(
    _ function: String, path: String?, code: RasterError.Code, _ body: () -> Handle?
) throws -> Handle {
    GDALRuntime.ensure()
    CPLErrorReset()
    let handle = body()
    if let handle, CPLGetLastErrorType().rawValue < CE_Failure.rawValue { return handle }
    throw RasterError(code: code, message: lastGDALMessage(), path: path, function: function)
}

/// Calls a GDAL function that returns `CPLErr`/`OGRErr`-style status, throwing on failure.
func gdalChecked(_ function: String, path: String?, code: RasterError.Code, _ body: () -> CPLErr) throws {
    GDALRuntime.ensure()
    CPLErrorReset()
    let status = body()
    if status.rawValue < CE_Failure.rawValue && CPLGetLastErrorType().rawValue < CE_Failure.rawValue { return }
    throw RasterError(code: code, message: lastGDALMessage(), path: path, function: function)
}

/// OGR functions report `OGRErr` codes (0 = OGRERR_NONE) rather than `CPLErr`.
func ogrChecked(_ function: String, path: String?, _ body: () -> OGRErr) throws {
    GDALRuntime.ensure()
    CPLErrorReset()
    let status = body()
    if status == OGRERR_NONE { return }
    let message = CPLGetLastErrorType().rawValue >= CE_Failure.rawValue ? lastGDALMessage() : "OGR error \(status)"
    throw RasterError(code: .vectorFailed, message: message, path: path, function: function)
}

/// A `char **` string list built from Swift strings, freed by its owner (GDAL's CSL functions).
final class CStringList {
    private(set) var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    init(_ strings: [String]) {
        for string in strings { pointer = CSLAddString(pointer, string) }
    }

    deinit { CSLDestroy(pointer) }
}
