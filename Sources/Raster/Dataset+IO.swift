import CGDAL

// Windowed reads and writes. Buffers are band-sequential: value (band b, row r, col c) of a window
// of size w x h sits at index (b * h + r) * w + c, where b counts the requested bands from 0.

extension Dataset {
    /// Reads `window` of the given bands (1-based; all bands by default) into a typed buffer,
    /// converting from the band type as GDAL does. With `outputWidth`/`outputHeight` the window is
    /// resampled to that size with `resampling`.
    public func read<T: RasterScalar>(
        _ type: T.Type = T.self, bands: [Int]? = nil, window: PixelWindow,
        outputWidth: Int? = nil, outputHeight: Int? = nil, resampling: Resampling = .nearest
    ) throws -> [T] {
        let bandList = try checkedBands(bands)
        try checkWindow(window)
        let outW = outputWidth ?? window.width, outH = outputHeight ?? window.height
        guard outW > 0, outH > 0 else {
            throw RasterError(code: .invalidArgument, message: "output size \(outW)x\(outH) must be positive", path: path)
        }
        var buffer = [T](repeating: .zero, count: outW * outH * bandList.count)
        try rasterIO(GF_Read, window: window, buffer: &buffer, bufferWidth: outW, bufferHeight: outH,
                     bands: bandList, resampling: resampling, code: .readFailed)
        return buffer
    }

    /// Reads `window` of the given bands straight into caller-owned memory: value (band b, row r,
    /// col c) goes to `buffer[b * bandStride + r * lineStride + c]`. Lets a caller fill part of a
    /// larger buffer without an intermediate copy.
    public func read<T: RasterScalar>(
        _ type: T.Type = T.self, bands: [Int]? = nil, window: PixelWindow,
        into buffer: UnsafeMutableBufferPointer<T>, lineStride: Int, bandStride: Int
    ) throws {
        let bandList = try checkedBands(bands)
        try checkWindow(window)
        let last = (bandList.count - 1) * bandStride + (window.height - 1) * lineStride + window.width
        guard lineStride >= window.width, bandStride >= 0, last <= buffer.count else {
            throw RasterError(code: .invalidArgument, message: "buffer of \(buffer.count) values is too small for window \(window) x \(bandList.count) bands", path: path)
        }
        var bandMap = bandList.map { Int32($0) }
        var extra = GDALRasterIOExtraArg()
        pipeline_gdal_init_rasterio_extra_arg(&extra, Resampling.nearest.rasterIO)
        let size = Int64(MemoryLayout<T>.stride)
        try gdalChecked("GDALDatasetRasterIOEx", path: path, code: .readFailed) {
            GDALDatasetRasterIOEx(handle, GF_Read, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                                  buffer.baseAddress, Int32(window.width), Int32(window.height), T.pixelType.gdal,
                                  Int32(bandMap.count), &bandMap, size, size * Int64(lineStride), size * Int64(bandStride), &extra)
        }
    }

    /// Writes a band-sequential buffer into `window` of the given bands (all bands by default).
    public func write<T: RasterScalar>(_ values: [T], bands: [Int]? = nil, window: PixelWindow) throws {
        let bandList = try checkedBands(bands)
        try checkWindow(window)
        guard values.count == window.pixelCount * bandList.count else {
            throw RasterError(code: .invalidArgument,
                              message: "buffer has \(values.count) values, window \(window) x \(bandList.count) bands needs \(window.pixelCount * bandList.count)",
                              path: path)
        }
        var buffer = values
        try rasterIO(GF_Write, window: window, buffer: &buffer, bufferWidth: window.width, bufferHeight: window.height,
                     bands: bandList, resampling: .nearest, code: .writeFailed)
    }

    private func rasterIO<T: RasterScalar>(
        _ direction: GDALRWFlag, window: PixelWindow, buffer: inout [T], bufferWidth: Int, bufferHeight: Int,
        bands: [Int], resampling: Resampling, code: RasterError.Code
    ) throws {
        var bandMap = bands.map { Int32($0) }
        var extra = GDALRasterIOExtraArg()
        pipeline_gdal_init_rasterio_extra_arg(&extra, resampling.rasterIO)
        let pixelSpace = Int64(MemoryLayout<T>.stride)
        let lineSpace = pixelSpace * Int64(bufferWidth)
        let bandSpace = lineSpace * Int64(bufferHeight)
        try buffer.withUnsafeMutableBytes { raw in
            try gdalChecked("GDALDatasetRasterIOEx", path: path, code: code) {
                GDALDatasetRasterIOEx(handle, direction, Int32(window.col), Int32(window.row),
                                      Int32(window.width), Int32(window.height), raw.baseAddress,
                                      Int32(bufferWidth), Int32(bufferHeight), T.pixelType.gdal,
                                      Int32(bandMap.count), &bandMap, pixelSpace, lineSpace, bandSpace, &extra)
            }
        }
    }

    private func checkedBands(_ bands: [Int]?) throws -> [Int] {
        let list = bands ?? Array(1...max(bandCount, 1))
        for band in list where !(1...bandCount).contains(band) {
            throw RasterError(code: .invalidArgument, message: "band \(band) does not exist (the dataset has \(bandCount))", path: path)
        }
        guard !list.isEmpty else {
            throw RasterError(code: .invalidArgument, message: "no bands requested", path: path)
        }
        return list
    }

    private func checkWindow(_ window: PixelWindow) throws {
        guard window.fits(width: width, height: height) else {
            throw RasterError(code: .windowOutOfBounds,
                              message: "window \(window) is outside the raster of \(width)x\(height) pixels", path: path)
        }
    }
}
