import Foundation

/// Per-class pooled Jaccard scores of a run against ground truth (what `pipeline eval` prints).
public struct EvaluationReport: Codable, Sendable, Equatable {
    public struct ClassScore: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var truthPixels: Int
        public var predictedPixels: Int
        public var intersection: Int
        public var union: Int
        /// intersection / union; nil when both are empty (nothing to score).
        public var jaccard: Double?
    }

    /// The decided masks scored, and the truth file.
    public var run: String
    public var truth: String
    /// How truth was matched to classes: "band order", "band name", "class_id" or "class_name".
    public var matchedBy: String
    /// Pixels compared, and pixels left out (nodata in the run or the truth).
    public var evaluatedPixels: Int
    public var excludedPixels: Int
    public var classes: [ClassScore]
    /// Mean Jaccard over the classes present in the truth; nil when the truth has none.
    public var meanJaccard: Double?

    /// A fixed-width text table, one class per line, then the mean.
    public func table() -> String {
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + space : space + text
        }
        let nameWidth = max(5, classes.map(\.name.count).max() ?? 0)
        let header = [pad("id", 3), pad("class", nameWidth, left: true), pad("truth px", 12), pad("predicted px", 12),
                      pad("intersection", 12), pad("union", 12), pad("jaccard", 8)].joined(separator: "  ")
        var lines = [header]
        for c in classes {
            lines.append([pad(String(c.id), 3), pad(c.name, nameWidth, left: true), pad(String(c.truthPixels), 12),
                          pad(String(c.predictedPixels), 12), pad(String(c.intersection), 12), pad(String(c.union), 12),
                          pad(c.jaccard.map { String(format: "%.4f", $0) } ?? "-", 8)].joined(separator: "  "))
        }
        let present = classes.filter { $0.truthPixels > 0 }.count
        lines.append("mean Jaccard over the \(present) classes present in the truth: \(meanJaccard.map { String(format: "%.4f", $0) } ?? "-")")
        lines.append("\(evaluatedPixels) pixels compared, \(excludedPixels) left out (nodata); truth matched by \(matchedBy)")
        return lines.joined(separator: "\n")
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
