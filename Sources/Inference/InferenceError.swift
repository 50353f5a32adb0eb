/// An error from the inference engine: what failed (`code`) and where (`node`), in one line.
///
/// A struct over an open set of codes (as `RasterError`), so new failure kinds can be added
/// without breaking callers that switch on the ones they care about.
public struct InferenceError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let invalidGraph = Code(name: "invalidGraph")
        public static let shapeMismatch = Code(name: "shapeMismatch")
        public static let invalidInput = Code(name: "invalidInput")
        public static let bandCountMismatch = Code(name: "bandCountMismatch")
        public static let nonSquareTile = Code(name: "nonSquareTile")
        public static let invalidMetadata = Code(name: "invalidMetadata")
    }

    public var code: Code
    public var message: String
    /// The graph node the failure is about, if any.
    public var node: String?

    public init(code: Code, message: String, node: String? = nil) {
        (self.code, self.message, self.node) = (code, message, node)
    }

    /// One line: `node 'conv_3': input has 8 channels, weights expect 20`.
    public var description: String { node.map { "node '\($0)': \(message)" } ?? message }
}
