/// An error about a scene, its sources or its processing, with the file (and band or field) it is
/// about. One line.
public struct SceneError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let invalidArgument = Code(name: "invalidArgument")
        public static let sourceMismatch = Code(name: "sourceMismatch")
        public static let noOverlap = Code(name: "noOverlap")
        public static let badBand = Code(name: "badBand")
        public static let duplicateTile = Code(name: "duplicateTile")
        public static let incomplete = Code(name: "incomplete")
        /// A model's class that the class catalogue lacks (or names twice).
        public static let unknownClass = Code(name: "unknownClass")
        /// A scratch or output file could not be written.
        public static let writeFailed = Code(name: "writeFailed")
        /// A memory budget too small to run at all.
        public static let memoryBudget = Code(name: "memoryBudget")
    }

    public var code: Code
    public var message: String
    /// Where: a file path, optionally with the pipeline field that named it.
    public var location: String?

    public init(code: Code, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }
}
