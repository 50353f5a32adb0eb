import Foundation

/// Checkpoint bytes: "UNTC", format version (UInt32), the architecture as JSON (UInt32 length
/// first), Adam's step count, the trainer's random state, then every state tensor (parameters,
/// running statistics) and Adam's first and second moments, each as a UInt32 count and
/// little-endian Float32 values. The learning rate is not stored: schedules set it.
extension Trainer {
    static let magic = Data("UNTC".utf8)
    static let formatVersion: UInt32 = 1

    /// The full training state as bytes.
    public func checkpoint() throws -> Data {
        var data = Trainer.magic
        data.append(littleEndian: Trainer.formatVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let architecture = try encoder.encode(model.architecture)
        data.append(littleEndian: UInt32(architecture.count))
        data.append(architecture)
        data.append(littleEndian: UInt64(optimizer.step))
        data.append(littleEndian: random.state)
        for buffer in checkpointBuffers {
            data.append(littleEndian: UInt32(buffer.count))
            data.append(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count))
        }
        return data
    }

    /// Restores a `checkpoint()`; throws one line when the bytes are not a checkpoint or were
    /// written for another architecture (nothing is changed then).
    public func restore(from data: Data) throws {
        var reader = ByteReader(data: data)
        func corrupt(_ what: String) -> TrainingError { TrainingError(code: .invalidCheckpoint, message: "checkpoint: \(what)") }
        guard reader.take(4) == Trainer.magic else { throw corrupt("not a training checkpoint (no UNTC header)") }
        guard let version: UInt32 = reader.read(), version == Trainer.formatVersion else {
            throw corrupt("unsupported format version (expected \(Trainer.formatVersion))")
        }
        guard let length: UInt32 = reader.read(), let json = reader.take(Int(length)),
              let architecture = try? JSONDecoder().decode(UNetArchitecture.self, from: json) else {
            throw corrupt("unreadable architecture")
        }
        guard architecture.sameShapeAndTraining(as: model.architecture) else {
            throw TrainingError(code: .architectureMismatch,
                                message: "checkpoint is for \(architecture), but this model is \(model.architecture)")
        }
        guard let step: UInt64 = reader.read(), let state: UInt64 = reader.read() else { throw corrupt("truncated header") }
        var values: [[Float]] = []
        for buffer in checkpointBuffers {
            guard let count: UInt32 = reader.read(), Int(count) == buffer.count, let bytes = reader.take(buffer.count * 4) else {
                throw corrupt("truncated or mismatched tensor \(values.count)")
            }
            values.append(bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        }
        guard reader.isAtEnd else { throw corrupt("\(data.count - reader.offset) unexpected trailing bytes") }
        for (buffer, value) in zip(checkpointBuffers, values) { buffer.copy(from: value) }
        optimizer.step = Int(step)
        random.state = state
    }

    private var checkpointBuffers: [FloatBuffer] {
        model.stateTensors.map(\.buffer) + optimizer.moments.flatMap { [$0.first, $0.second] }
    }
}

extension Data {
    mutating func append<T: FixedWidthInteger>(littleEndian value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

struct ByteReader {
    let data: Data
    private(set) var offset = 0

    init(data: Data) { self.data = data }

    var isAtEnd: Bool { offset == data.count }

    mutating func take(_ count: Int) -> Data? {
        guard count >= 0, data.count - offset >= count else { return nil }
        defer { offset += count }
        let start = data.startIndex + offset
        return data.subdata(in: start..<(start + count))
    }

    mutating func read<T: FixedWidthInteger>() -> T? {
        guard let bytes = take(MemoryLayout<T>.size) else { return nil }
        var value: T = 0
        _ = Swift.withUnsafeMutableBytes(of: &value) { bytes.copyBytes(to: $0) }
        return T(littleEndian: value)
    }
}
