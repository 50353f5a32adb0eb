import CGDAL

/// What a band's values mean to a viewer (QGIS picks its default rendering from this).
public enum ColorInterpretation: String, Sendable {
    case undefined, gray, palette, red, green, blue, alpha

    var gdal: GDALColorInterp {
        switch self {
        case .undefined: GCI_Undefined
        case .gray: GCI_GrayIndex
        case .palette: GCI_PaletteIndex
        case .red: GCI_RedBand
        case .green: GCI_GreenBand
        case .blue: GCI_BlueBand
        case .alpha: GCI_AlphaBand
        }
    }

    init(gdal: GDALColorInterp) {
        switch gdal {
        case GCI_GrayIndex: self = .gray
        case GCI_PaletteIndex: self = .palette
        case GCI_RedBand: self = .red
        case GCI_GreenBand: self = .green
        case GCI_BlueBand: self = .blue
        case GCI_AlphaBand: self = .alpha
        default: self = .undefined
        }
    }
}

/// An 8-bit RGBA colour, as stored in a GDAL colour table.
public struct RGBA: Hashable, Sendable {
    public var red, green, blue, alpha: UInt8
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8, _ alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }
}

extension Band {
    /// Sets a palette on a UInt8/UInt16 band: entry `i` colours pixel value `i`; values past the
    /// end of `entries` stay transparent black.
    public func setColorTable(_ entries: [RGBA]) throws {
        guard let table = GDALCreateColorTable(GPI_RGB) else {
            throw RasterError(code: .writeFailed, message: "cannot create a colour table", path: dataset.path, function: "GDALCreateColorTable")
        }
        defer { GDALDestroyColorTable(table) }
        for (value, colour) in entries.enumerated() {
            var entry = GDALColorEntry(c1: Int16(colour.red), c2: Int16(colour.green), c3: Int16(colour.blue), c4: Int16(colour.alpha))
            GDALSetColorEntry(table, Int32(value), &entry)
        }
        try gdalChecked("GDALSetRasterColorTable", path: dataset.path, code: .writeFailed) {
            GDALSetRasterColorTable(handle, table)
        }
    }

    /// The band's palette, empty when it has none.
    public var colorTable: [RGBA] {
        guard let table = GDALGetRasterColorTable(handle) else { return [] }
        return (0..<Int(GDALGetColorEntryCount(table))).map { i in
            let e = GDALGetColorEntry(table, Int32(i))!.pointee
            return RGBA(UInt8(e.c1), UInt8(e.c2), UInt8(e.c3), UInt8(e.c4))
        }
    }
}
