/// An error from the messaging layer.
///
/// Errors raised by a ZeroMQ call carry the C function's name, `errno` and ZeroMQ's own message
/// (`zmq_strerror`); errors raised by Swift-side validation (endpoints, receive limits) carry
/// no function and no errno. The code is a struct over a private enum so that new codes can be
/// added without breaking exhaustive `switch`es in client code.
public struct MessagingError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case contextFailed, socketFailed, bindFailed, connectFailed, unbindFailed,
                disconnectFailed, sendFailed, receiveFailed, pollFailed, optionFailed,
                invalidEndpoint, tooManyFrames, messageTooLarge,
                invalidKey, invalidKeyFile, keyFileFailed, curveUnavailable, monitorFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        public static let contextFailed = Code(.contextFailed)
        public static let socketFailed = Code(.socketFailed)
        public static let bindFailed = Code(.bindFailed)
        public static let connectFailed = Code(.connectFailed)
        public static let unbindFailed = Code(.unbindFailed)
        public static let disconnectFailed = Code(.disconnectFailed)
        public static let sendFailed = Code(.sendFailed)
        public static let receiveFailed = Code(.receiveFailed)
        public static let pollFailed = Code(.pollFailed)
        /// Setting or reading a socket option failed.
        public static let optionFailed = Code(.optionFailed)
        /// An endpoint string did not parse; `subject` is the offending string.
        public static let invalidEndpoint = Code(.invalidEndpoint)
        /// A received message had more frames than `ReceiveLimits.maxFrames`.
        public static let tooManyFrames = Code(.tooManyFrames)
        /// A received message had more bytes than `ReceiveLimits.maxTotalBytes`.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// A CURVE key is not 40 characters of the Z85 alphabet, or a public key does not
        /// belong to its secret key.
        public static let invalidKey = Code(.invalidKey)
        /// A key file's content is malformed; `subject` is `path:line`.
        public static let invalidKeyFile = Code(.invalidKeyFile)
        /// A key file could not be read or written (missing, exists, permissions).
        public static let keyFileFailed = Code(.keyFileFailed)
        /// This libzmq was built without CURVE (libsodium) support.
        public static let curveUnavailable = Code(.curveUnavailable)
        /// Starting or stopping a socket monitor (`zmq_socket_monitor`) failed.
        public static let monitorFailed = Code(.monitorFailed)
    }

    public var code: Code
    /// The C function that failed (e.g. `zmq_bind`), or nil for Swift-side validation errors.
    public var function: String?
    /// What the call was about: an endpoint, an option name, an unparsable string.
    public var subject: String?
    /// `zmq_errno()` at the time of the failure, or nil when no C call failed.
    public var errorNumber: Int32?
    /// `zmq_strerror(errno)` for C failures, otherwise a human-readable explanation.
    public var message: String

    public init(
        code: Code, function: String? = nil, subject: String? = nil,
        errorNumber: Int32? = nil, message: String
    ) {
        self.code = code
        self.function = function
        self.subject = subject
        self.errorNumber = errorNumber
        self.message = message
    }

    /// One line, e.g. `bindFailed: zmq_bind(tcp://127.0.0.1:5555) failed: Address already in use (errno 98)`.
    public var description: String {
        var line = "\(code): "
        if let function {
            line += function
            if let subject { line += "(\(subject))" }
            line += " failed: "
        } else if let subject {
            line += "'\(subject)': "
        }
        line += message
        if let errorNumber { line += " (errno \(errorNumber))" }
        return line
    }
}
