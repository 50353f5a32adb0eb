/// Little-endian binary writing for wire headers.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A UTF-8 string with a 32-bit length prefix.
    mutating func write(_ string: String) {
        let utf8 = Array(string.utf8)
        write(UInt32(utf8.count))
        bytes += utf8
    }

    mutating func write(_ values: [Float]) {
        write(UInt32(values.count))
        for value in values { write(value.bitPattern) }
    }

    mutating func write(_ strings: [String]) {
        write(UInt32(strings.count))
        for string in strings { write(string) }
    }

    mutating func writeRaw(_ raw: [UInt8]) { bytes += raw }
}

/// Bounds-checked little-endian reading: running past the end or an absurd length throws, so a
/// malformed frame is an error value, never a crash.
struct BinaryReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw WireError.malformed("frame ends inside a \(T.self) at byte \(offset)") }
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    /// A 64-bit tile index or count that must fit an Int (a hostile 2^64 - 1 must not trap).
    mutating func readIndex() throws -> Int {
        let raw = try read(UInt64.self)
        guard let value = Int(exactly: raw), value < 1 << 48 else { throw WireError.malformed("index \(raw) out of range") }
        return value
    }

    mutating func read(_: Double.Type) throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func readString(maxBytes: Int = 1 << 20) throws -> String {
        let count = Int(try read(UInt32.self))
        guard count <= maxBytes, count <= remaining else { throw WireError.malformed("string of \(count) bytes at byte \(offset)") }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    mutating func readFloats(maxCount: Int = 1 << 16) throws -> [Float] {
        let count = Int(try read(UInt32.self))
        guard count <= maxCount, count * 4 <= remaining else { throw WireError.malformed("list of \(count) floats at byte \(offset)") }
        return try (0..<count).map { _ in Float(bitPattern: try read(UInt32.self)) }
    }

    mutating func readStrings(maxCount: Int = 4096) throws -> [String] {
        let count = Int(try read(UInt32.self))
        guard count <= maxCount else { throw WireError.malformed("list of \(count) strings at byte \(offset)") }
        return try (0..<count).map { _ in try readString() }
    }

    mutating func readRaw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw WireError.malformed("\(count) bytes wanted, \(remaining) left") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}

/// Why a message was refused.
enum WireError: Error, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)

    var description: String {
        switch self {
        case .malformed(let what): "malformed message: \(what)"
        case .unsupportedVersion(let v): "protocol version \(v) is not supported (this build speaks \(WireMessage.protocolVersion))"
        case .unknownType(let t): "unknown message type \(t)"
        }
    }
}
