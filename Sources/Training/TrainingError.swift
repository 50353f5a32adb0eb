/// A training failure as one line: what went wrong and with which values.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let invalidArchitecture = Code(rawValue: "invalid-architecture")
        public static let invalidInput = Code(rawValue: "invalid-input")
        public static let invalidCheckpoint = Code(rawValue: "invalid-checkpoint")
        public static let architectureMismatch = Code(rawValue: "architecture-mismatch")
        public static let invalidMetadata = Code(rawValue: "invalid-metadata")
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) { (self.code, self.message) = (code, message) }

    public var description: String { message }
}
