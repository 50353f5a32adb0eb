/// An error from hashing a file: which file, which system call, and why.
///
/// The code is a struct over a private enum so that new codes can be added without breaking
/// exhaustive `switch`es in client code.
public struct ChecksumError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case openFailed, readFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// The file could not be opened (missing, unreadable, a directory...).
        public static let openFailed = Code(.openFailed)
        /// Reading the file failed part-way.
        public static let readFailed = Code(.readFailed)
    }

    public var code: Code
    /// The file being hashed.
    public var path: String
    /// The system call that failed (`open`, `read`).
    public var function: String
    /// `errno` at the time of the failure.
    public var errorNumber: Int32
    /// `strerror(errno)`.
    public var message: String

    public init(code: Code, path: String, function: String, errorNumber: Int32, message: String) {
        self.code = code
        self.path = path
        self.function = function
        self.errorNumber = errorNumber
        self.message = message
    }

    /// One line, e.g. `openFailed: open(/models/unet.onnx) failed: No such file or directory (errno 2)`.
    public var description: String {
        "\(code): \(function)(\(path)) failed: \(message) (errno \(errorNumber))"
    }
}
