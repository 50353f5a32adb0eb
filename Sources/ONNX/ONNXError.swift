/// An error from reading an ONNX model: what failed (`code`), and where (`path`, `node`, `op`,
/// `attribute`), in one line.
public struct ONNXError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let unreadable = Code(name: "unreadable")
        public static let corrupt = Code(name: "corrupt")
        public static let truncated = Code(name: "truncated")
        public static let unsupportedOpset = Code(name: "unsupportedOpset")
        public static let unsupportedOp = Code(name: "unsupportedOp")
        public static let unsupportedAttribute = Code(name: "unsupportedAttribute")
        public static let unsupportedTensor = Code(name: "unsupportedTensor")
        public static let invalidModel = Code(name: "invalidModel")
        public static let externalData = Code(name: "externalData")
    }

    public var code: Code
    public var message: String
    public var path: String?
    public var op: String?
    public var node: String?
    public var attribute: String?

    public init(code: Code, message: String, path: String? = nil, op: String? = nil, node: String? = nil,
                attribute: String? = nil) {
        (self.code, self.message, self.path) = (code, message, path)
        (self.op, self.node, self.attribute) = (op, node, attribute)
    }

    /// One line: `'unet.onnx': Resize node 'up_3': attribute 'mode': 'cubic' is not supported`.
    public var description: String {
        var parts: [String] = []
        if let path { parts.append("'\(path)'") }
        if let op { parts.append("\(op) node '\(node ?? "")'") } else if let node { parts.append("node '\(node)'") }
        if let attribute { parts.append("attribute '\(attribute)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
