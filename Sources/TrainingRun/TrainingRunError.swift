/// A problem with a training run's inputs or state, with the file or setting it is about. One line.
public struct TrainingRunError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// Ground truth missing, unreadable, or not matching the class list.
        public static let badTruth = Code(name: "badTruth")
        /// A patch does not fit a scene.
        public static let sceneTooSmall = Code(name: "sceneTooSmall")
        /// The truth has no pixel of any class to sample from.
        public static let noLabels = Code(name: "noLabels")
        /// A checkpoint that cannot be read or belongs to another run's architecture.
        public static let badCheckpoint = Code(name: "badCheckpoint")
        /// Output files that cannot be written.
        public static let output = Code(name: "output")
    }

    public var code: Code
    public var message: String
    /// Where: a file path, optionally with the setting that named it.
    public var location: String?

    public init(code: Code, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        let text = location.map { "\($0): \(message)" } ?? message
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
