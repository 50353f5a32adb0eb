import CGDAL

/// The data types a band can hold; the raster layer reads and writes all of them.
public enum PixelType: String, CaseIterable, Sendable, CustomStringConvertible {
    case uint8 = "UInt8"
    case uint16 = "UInt16"
    case int16 = "Int16"
    case uint32 = "UInt32"
    case int32 = "Int32"
    case float32 = "Float32"
    case float64 = "Float64"

    public var description: String { rawValue }

    public var byteSize: Int {
        switch self {
        case .uint8: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .float64: 8
        }
    }

    var gdal: GDALDataType {
        switch self {
        case .uint8: GDT_Byte
        case .uint16: GDT_UInt16
        case .int16: GDT_Int16
        case .uint32: GDT_UInt32
        case .int32: GDT_Int32
        case .float32: GDT_Float32
        case .float64: GDT_Float64
        }
    }

    /// nil for GDAL types outside this set (complex types, Int8, 64-bit integers).
    init?(gdal: GDALDataType) {
        guard let match = PixelType.allCases.first(where: { $0.gdal == gdal }) else { return nil }
        self = match
    }

    /// GDAL's own name for a type, for messages about types this layer does not handle.
    static func gdalName(_ type: GDALDataType) -> String {
        guard let name = GDALGetDataTypeName(type) else { return "type \(type.rawValue)" }
        return String(cString: name)
    }
}

/// A Swift scalar that maps one-to-one onto a `PixelType`, so buffers are typed end to end.
public protocol RasterScalar: Numeric, Sendable {
    static var pixelType: PixelType { get }
}

extension UInt8: RasterScalar { public static var pixelType: PixelType { .uint8 } }
extension UInt16: RasterScalar { public static var pixelType: PixelType { .uint16 } }
extension Int16: RasterScalar { public static var pixelType: PixelType { .int16 } }
extension UInt32: RasterScalar { public static var pixelType: PixelType { .uint32 } }
extension Int32: RasterScalar { public static var pixelType: PixelType { .int32 } }
extension Float: RasterScalar { public static var pixelType: PixelType { .float32 } }
extension Double: RasterScalar { public static var pixelType: PixelType { .float64 } }
