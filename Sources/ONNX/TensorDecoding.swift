import Foundation

/// An ONNX tensor's values decoded to Double (exact for every float32 and for the integers
/// that shape-like inputs such as pads, sizes and axes hold), with its dimensions.
struct DecodedTensor {
    var dims: [Int]
    var values: [Double]

    var count: Int { dims.reduce(1, *) }
    var floats: [Float] { values.map(Float.init) }
    var integers: [Int] { values.map { Int($0) } }
}

extension DecodedTensor {
    /// Decodes `proto` from typed fields, `raw_data`, or external data next to the model (in
    /// `directory`). Supported element types: float, double, float16, int32, int64, int8, uint8.
    init(_ proto: Onnx_TensorProto, directory: URL?) throws {
        dims = proto.dims.map { Int($0) }
        func fail(_ code: ONNXError.Code, _ message: String) -> ONNXError {
            ONNXError(code: code, message: "tensor '\(proto.name)': \(message)")
        }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw fail(.invalidModel, "negative dimension in \(dims)") }
        let count = dims.reduce(1, *)
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) else {
            throw fail(.unsupportedTensor, "unknown data type \(proto.dataType)")
        }
        let raw: Data?
        if proto.dataLocation == .external {
            raw = try Self.externalBytes(proto, directory: directory)
        } else {
            raw = proto.hasRawData ? proto.rawData : nil
        }
        if let raw {
            values = try Self.decodeRaw(raw, type: type, count: count, fail: fail)
        } else {
            switch type {
            case .float: values = proto.floatData.map(Double.init)
            case .double: values = proto.doubleData
            case .int64: values = proto.int64Data.map(Double.init)
            case .int32, .int8, .uint8, .int16, .uint16, .bool: values = proto.int32Data.map(Double.init)
            case .float16: values = proto.int32Data.map { Double(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
            default: throw fail(.unsupportedTensor, "data type \(type) is not supported")
            }
        }
        guard values.count == count else {
            throw fail(.invalidModel, "holds \(values.count) values, its dims \(dims) need \(count)")
        }
    }

    private static func decodeRaw(_ raw: Data, type: Onnx_TensorProto.DataType, count: Int,
                                  fail: (ONNXError.Code, String) -> ONNXError) throws -> [Double] {
        let size: Int
        switch type {
        case .float, .int32: size = 4
        case .double, .int64: size = 8
        case .float16, .int16, .uint16: size = 2
        case .int8, .uint8, .bool: size = 1
        default: throw fail(.unsupportedTensor, "data type \(type) is not supported")
        }
        guard raw.count == count * size else {
            throw fail(.invalidModel, "raw data has \(raw.count) bytes, \(count) values need \(count * size)")
        }
        // ONNX raw_data is little-endian; so is every platform this builds for.
        return raw.withUnsafeBytes { bytes -> [Double] in
            (0..<count).map { i in
                let offset = i * size
                switch type {
                case .float: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Float.self))
                case .double: return bytes.loadUnaligned(fromByteOffset: offset, as: Double.self)
                case .int32: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case .int64: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                case .float16: return Double(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .int16: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self))
                case .uint16: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                case .int8: return Double(bytes.loadUnaligned(fromByteOffset: offset, as: Int8.self))
                default: return Double(bytes[offset])
                }
            }
        }
    }

    /// Reads the bytes an external-data tensor points at: `location` (relative to the model's
    /// folder, never escaping it), optional `offset` and `length`.
    private static func externalBytes(_ proto: Onnx_TensorProto, directory: URL?) throws -> Data {
        func fail(_ message: String) -> ONNXError {
            ONNXError(code: .externalData, message: "tensor '\(proto.name)': \(message)")
        }
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else { throw fail("external data has no location") }
        guard let directory else { throw fail("external data '\(location)' needs the model's file path") }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw fail("external data location '\(location)' leaves the model's folder")
        }
        let url = directory.appendingPathComponent(location)
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw fail("cannot open external data file '\(url.path)'") }
        defer { try? handle.close() }
        let offset = UInt64(entries["offset"].flatMap { Int($0) } ?? 0)
        do {
            try handle.seek(toOffset: offset)
            let data: Data
            if let length = entries["length"].flatMap({ Int($0) }) {
                data = try handle.read(upToCount: length) ?? Data()
                guard data.count == length else {
                    throw fail("external data file '\(location)' ends before offset \(offset) + length \(length)")
                }
            } else {
                data = try handle.readToEnd() ?? Data()
            }
            return data
        } catch let error as ONNXError {
            throw error
        } catch {
            throw fail("cannot read external data file '\(location)': \(error)")
        }
    }
}
