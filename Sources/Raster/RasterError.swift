/// An error from the raster layer: what failed (`code`), where (`path`, `function`), and GDAL's words.
///
/// A struct over an open set of codes (as swift-nio's `FileSystemError`), so new failure kinds can be
/// added without breaking callers that switch on the ones they care about.
public struct RasterError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let openFailed = Code(name: "openFailed")
        public static let notRaster = Code(name: "notRaster")
        public static let createFailed = Code(name: "createFailed")
        public static let readFailed = Code(name: "readFailed")
        public static let writeFailed = Code(name: "writeFailed")
        public static let windowOutOfBounds = Code(name: "windowOutOfBounds")
        public static let invalidArgument = Code(name: "invalidArgument")
        public static let crsFailed = Code(name: "crsFailed")
        public static let vectorFailed = Code(name: "vectorFailed")
        public static let unsupportedType = Code(name: "unsupportedType")
    }

    public var code: Code
    public var message: String
    /// The dataset path or GDAL connection string the operation was about, if any.
    public var path: String?
    /// The GDAL/OGR C function that reported the failure, if any.
    public var function: String?

    public init(code: Code, message: String, path: String? = nil, function: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.function = function
    }

    /// One line: `'scene.tif': GDALOpenEx: scene.tif: No such file or directory`.
    public var description: String {
        var parts: [String] = []
        if let path { parts.append("'\(path)'") }
        if let function { parts.append(function) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
