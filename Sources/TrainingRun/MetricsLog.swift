import Foundation

/// `metrics.csv`: one row per epoch (epoch, global step, learning rate, mean training loss, mean
/// validation Jaccard, each class's validation Jaccard, seconds). A resumed run keeps the rows of
/// the epochs its checkpoint covers and drops any written after it.
public final class MetricsLog {
    public let path: String
    public let header: [String]

    public init(path: String, classNames: [String], keepingEpochsThrough lastEpoch: Int?) throws {
        self.path = path
        header = ["epoch", "step", "learning_rate", "train_loss", "val_mean_jaccard"] + classNames.map { "val_jaccard_\($0)" } + ["seconds"]
        var lines = [header.joined(separator: ",")]
        if let lastEpoch, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(separator: "\n").dropFirst() {
                if let epoch = Int(line.prefix { $0 != "," }), epoch <= lastEpoch { lines.append(String(line)) }
            }
        }
        try write(lines)
    }

    /// `jaccard`: per class, nil for a class absent from the validation truth (left empty).
    public func append(epoch: Int, step: Int, learningRate: Double, loss: Double, meanJaccard: Double, jaccard: [Double?], seconds: Double) throws {
        var fields = [String(epoch), String(step), String(format: "%.6g", learningRate), String(format: "%.6f", loss),
                      String(format: "%.6f", meanJaccard)]
        fields += jaccard.map { $0.map { String(format: "%.6f", $0) } ?? "" }
        fields.append(String(format: "%.1f", seconds))
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        text += fields.joined(separator: ",") + "\n"
        try write(text)
    }

    private func write(_ lines: [String]) throws { try write(lines.joined(separator: "\n") + "\n") }

    private func write(_ text: String) throws {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw TrainingRunError(code: .output, message: "cannot write metrics: \(error.localizedDescription)", location: path)
        }
    }
}
