/// A post-processing problem, with what it is about (a file, a rule of a rule set). One line.
public struct PostProcessingError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A rule names a class the class set lacks, or reads bands no source gives.
        public static let invalidRule = Code(name: "invalidRule")
        /// The probabilities raster does not fit the class set or the grid.
        public static let inputMismatch = Code(name: "inputMismatch")
        /// More classes than the decided-mask representation holds.
        public static let tooManyClasses = Code(name: "tooManyClasses")
        /// A temporary or output file could not be written or read back.
        public static let io = Code(name: "io")
    }

    public var code: Code
    public var message: String
    /// Where: a file path, or a rule (`rules[3] (config/postprocess/x.yaml:12)`).
    public var location: String?

    public init(code: Code, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }
}
