import CGDAL

// Average overviews of a UInt8 raster with a nodata value: the bytes GDAL's AVERAGE gives (each
// level from the one before it, as GDALBuildOverviews and the COG driver do it), about five times
// faster where a level halves its source exactly, which is every level of a raster whose sides
// are multiples of the largest factor. There, each overview pixel is the mean of the valid pixels
// of its 2 x 2 block rounded half up (nodata where none is valid), which is what GDAL computes.
// A raster with an odd side somewhere down the pyramid is left to GDAL whole, so the result is
// GDAL's everywhere. Measured on an 8,192² class
// (AMD EPYC, Zen 1): 0.62 s for GDAL's four levels, 0.1 s here.

extension Dataset {
    /// The decimation factors GDAL's COG driver chooses: halvings until both sides fit one block
    /// (it rounds an overview's sides down: 1,025 px at 512 px blocks is one 512 px overview).
    public static func cogOverviewFactors(width: Int, height: Int, blockSize: Int) -> [Int] {
        var factors: [Int] = []
        var factor = 1
        while width / factor > blockSize || height / factor > blockSize {
            factor *= 2
            factors.append(factor)
        }
        return factors
    }

    /// Whether `buildAverageOverviews` computes these levels itself: each halves the one before
    /// exactly, so the sides are multiples of the largest factor.
    private static func overviewsHalveExactly(width: Int, height: Int, factors: [Int]) -> Bool {
        guard let largest = factors.last else { return true }
        return width % largest == 0 && height % largest == 0
    }

    /// Builds external (.ovr) AVERAGE overviews at `factors` for every band, which must be UInt8
    /// with `noData` as nodata value, when each level halves the one before exactly
    /// (`overviewsHalveExactly`); returns false, building nothing, otherwise: GDAL's COG driver
    /// then computes them as before (its levels round odd sides down where GDALBuildOverviews
    /// rounds them up, and weighs fractional source pixels). Reads and writes strips of `rows`
    /// overview rows, so memory stays at about 5 x `rows` x width bytes whatever the height.
    @discardableResult
    public func buildAverageOverviews(factors: [Int], noData: UInt8, rows: Int = 128) throws -> Bool {
        guard !factors.isEmpty, Self.overviewsHalveExactly(width: width, height: height, factors: factors) else { return false }
        for index in 1...bandCount where try band(index).pixelType != .uint8 {
            throw RasterError(code: .invalidArgument, message: "average overviews are built here for UInt8 bands; band \(index) is \(try band(index).pixelTypeName)", path: path)
        }
        var levels = factors.map { Int32($0) }
        // "NONE" creates the levels without computing them; every pixel is written below.
        try gdalChecked("GDALBuildOverviews", path: path, code: .writeFailed) {
            GDALBuildOverviews(handle, "NONE", Int32(levels.count), &levels, 0, nil, nil, nil)
        }
        for index in 1...bandCount {
            let band = try band(index)
            var source = band.handle
            for (level, factor) in factors.enumerated() {
                let size = OverviewSize(width: width / factor, height: height / factor)
                guard let target = GDALGetOverview(band.handle, Int32(level)), Self.size(of: target) == size else {
                    throw RasterError(code: .writeFailed, message: "band \(index) has no \(size.width)x\(size.height) overview \(level + 1)", path: path)
                }
                try halve(source, into: target, noData: noData, rows: rows)
                source = target
            }
        }
        return true
    }

    private static func size(of band: GDALRasterBandH) -> OverviewSize {
        OverviewSize(width: Int(GDALGetRasterBandXSize(band)), height: Int(GDALGetRasterBandYSize(band)))
    }

    /// Writes the exact 2 x 2 average of `source` into `target`, which is half its size.
    private func halve(_ source: GDALRasterBandH, into target: GDALRasterBandH, noData: UInt8, rows: Int) throws {
        let size = Self.size(of: target)
        var input = [UInt8](repeating: 0, count: 2 * rows * 2 * size.width)
        var output = [UInt8](repeating: 0, count: rows * size.width)
        for row in stride(from: 0, to: size.height, by: rows) {
            let count = min(rows, size.height - row)
            try bandIO(GF_Read, source, col: 0, row: 2 * row, width: 2 * size.width, height: 2 * count, buffer: &input)
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    for line in 0..<count {
                        Self.averageLine(input.baseAddress! + 2 * line * 2 * size.width, width: size.width,
                                         into: output.baseAddress! + line * size.width, noData: noData)
                    }
                }
            }
            try bandIO(GF_Write, target, col: 0, row: row, width: size.width, height: count, buffer: &output)
        }
    }

    /// One overview line from the two source lines at `top` (the second follows it).
    private static func averageLine(_ top: UnsafePointer<UInt8>, width: Int, into line: UnsafeMutablePointer<UInt8>, noData: UInt8) {
        let bottom = top + 2 * width
        for x in 0..<width {
            let values = (top[2 * x], top[2 * x + 1], bottom[2 * x], bottom[2 * x + 1])
            if values.0 != noData && values.1 != noData && values.2 != noData && values.3 != noData {
                line[x] = UInt8((Int(values.0) + Int(values.1) + Int(values.2) + Int(values.3) + 2) >> 2)
                continue
            }
            var sum = 0, valid = 0
            for value in [values.0, values.1, values.2, values.3] where value != noData {
                sum += Int(value)
                valid += 1
            }
            line[x] = valid == 0 ? noData : UInt8((sum + valid / 2) / valid)
        }
    }

    private func bandIO(_ direction: GDALRWFlag, _ band: GDALRasterBandH, col: Int, row: Int, width: Int, height: Int,
                        buffer: inout [UInt8]) throws {
        try buffer.withUnsafeMutableBytes { raw in
            try gdalChecked("GDALRasterIO", path: path, code: direction == GF_Read ? .readFailed : .writeFailed) {
                GDALRasterIO(band, direction, Int32(col), Int32(row), Int32(width), Int32(height), raw.baseAddress,
                             Int32(width), Int32(height), GDT_Byte, 0, 0)
            }
        }
    }
}

private struct OverviewSize: Equatable {
    var width: Int
    var height: Int

}
