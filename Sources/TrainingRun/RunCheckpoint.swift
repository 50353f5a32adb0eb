import Foundation

/// The loop's own state at the end of an epoch, stored with the model's bytes in
/// `checkpoints/last.ckpt` (and, for the best epoch so far, `checkpoints/best.ckpt`), so
/// `--resume` continues exactly where the run stopped.
public struct RunState: Codable, Equatable, Sendable {
    /// Describes the network (bands, classes, depth, filters, ...): a checkpoint only resumes a
    /// run of the same architecture.
    public var architecture: String
    /// Epochs completed (1-based count).
    public var epochsDone: Int
    public var globalStep: Int
    public var random: TrainingRandom
    public var bestScore: Double?
    public var bestEpoch: Int?
    public var epochsWithoutImprovement: Int
    /// True once early stopping ended the run.
    public var stoppedEarly: Bool
}

/// File layout: "PLTRAIN1", UInt32 little-endian length of the JSON state, the JSON, then the
/// model's checkpoint bytes.
public enum RunCheckpoint {
    static let magic = Array("PLTRAIN1".utf8)

    public static func write(_ state: RunState, model: Data, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(state)
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(model)
        // Written beside, then renamed: a run killed mid-write keeps the previous checkpoint.
        let temporary = path + ".partial"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            _ = try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw TrainingRunError(code: .output, message: "cannot write the checkpoint: \(error.localizedDescription)", location: path)
        }
    }

    public static func read(from path: String) throws -> (state: RunState, model: Data) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingRunError(code: .badCheckpoint, message: "cannot read the checkpoint", location: path)
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<8]) == magic else {
            throw TrainingRunError(code: .badCheckpoint, message: "not a pipeline training checkpoint", location: path)
        }
        let length = Int(UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24)
        guard bytes.count >= 12 + length, let state = try? JSONDecoder().decode(RunState.self, from: Data(bytes[12..<(12 + length)])) else {
            throw TrainingRunError(code: .badCheckpoint, message: "the checkpoint is truncated or damaged", location: path)
        }
        return (state, Data(bytes[(12 + length)...]))
    }
}
