import Foundation

/// Writes scalars as a TensorBoard event file (`events.out.tfevents.<time>.<host>`), so
/// `tensorboard --logdir OUT` shows the training curves.
///
/// The format: TFRecord framing (little-endian UInt64 length, masked CRC-32C of the length, the
/// bytes, masked CRC-32C of the bytes) around `tensorflow.Event` protocol buffers. Only the few
/// fields used are encoded, by hand: Event {1: wall_time double, 2: step int64, 3: file_version
/// string, 5: summary}, Summary {1: repeated Value}, Value {1: tag string, 2: simple_value float}.
public final class EventFileWriter {
    public let path: String
    private let handle: FileHandle

    /// Creates a new event file in `directory` (created if missing); the first record names the
    /// format version, as TensorBoard expects.
    public init(directory: String, now: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        var name = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host)"
        // A resumed run started in the same second must not overwrite the earlier file.
        var suffix = 1
        while FileManager.default.fileExists(atPath: directory + "/" + name) {
            name = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(suffix)"
            suffix += 1
        }
        path = directory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TrainingRunError(code: .output, message: "cannot create the TensorBoard event file", location: path)
        }
        self.handle = handle
        var event = Protobuf()
        event.double(1, now.timeIntervalSince1970)
        event.bytes(3, Array("brain.Event:2".utf8))
        try write(record: event.bytes)
    }

    deinit { try? handle.close() }

    /// One Event holding a scalar per tag, at `step`.
    public func scalars(_ values: [(tag: String, value: Double)], step: Int, wallTime: Date = Date()) throws {
        var summary = Protobuf()
        for (tag, value) in values {
            var entry = Protobuf()
            entry.bytes(1, Array(tag.utf8))
            entry.float(2, Float(value))
            summary.bytes(1, entry.bytes)
        }
        var event = Protobuf()
        event.double(1, wallTime.timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(5, summary.bytes)
        try write(record: event.bytes)
    }

    private func write(record: [UInt8]) throws {
        var framed: [UInt8] = []
        let length = littleEndian(UInt64(record.count))
        framed += length
        framed += littleEndian(CRC32C.masked(length))
        framed += record
        framed += littleEndian(CRC32C.masked(record))
        do { try handle.write(contentsOf: framed) } catch {
            throw TrainingRunError(code: .output, message: "cannot write the TensorBoard event file: \(error.localizedDescription)", location: path)
        }
    }
}

private func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// The protocol buffer wire format, for the handful of field types the event file needs.
struct Protobuf {
    private(set) var bytes: [UInt8] = []

    private mutating func key(_ field: Int, _ wireType: UInt64) { appendVarint(UInt64(field) << 3 | wireType) }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        appendVarint(value)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        bytes += littleEndian(value.bitPattern)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        bytes += littleEndian(value.bitPattern)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        appendVarint(UInt64(value.count))
        bytes += value
    }
}
