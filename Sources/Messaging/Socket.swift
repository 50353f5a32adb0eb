import CZeroMQ

/// Owns one ZeroMQ socket; `deinit` closes it.
///
/// ZeroMQ sockets are **not thread-safe**: each `Socket` must have one owner thread (or task
/// confined to one thread) that does all of its sends, receives and option changes. The type is
/// deliberately not `Sendable`; to hand a socket to another thread, create it there instead, or
/// transfer it with a `sending` parameter so the compiler proves the old owner lets go.
///
/// The raw handle is wrapped by this object as soon as `zmq_socket` returns, so any later
/// failure (a bind to a busy port, a bad option) still closes it when the object goes away.
public final class Socket {
    public let kind: SocketKind
    let handle: UnsafeMutableRawPointer
    /// Kept alive so `zmq_ctx_term` (in the context's deinit) cannot run before `zmq_close` here.
    let context: MessageContext

    /// Creates a socket with linger set to zero.
    ///
    /// ZeroMQ's default linger is infinite: closing a socket with messages queued for a peer
    /// that is gone would make context termination hang forever. Zero drops them instead; call
    /// `setLinger(_:)` when unsent messages must be flushed on close.
    public init(_ kind: SocketKind, in context: MessageContext) throws {
        self.kind = kind
        self.context = context
        self.handle = try checkedCall("zmq_socket", .socketFailed, subject: "\(kind)") {
            zmq_socket(context.handle, kind.zmqType)
        }
        try setLinger(.immediate)
    }

    deinit {
        // zmq_close fails only with ENOTSOCK, impossible for a handle we own.
        zmq_close(handle)
    }

    public func bind(_ endpoint: Endpoint) throws {
        let address = endpoint.description
        try checkedCall("zmq_bind", .bindFailed, subject: address) { zmq_bind(handle, address) }
    }

    public func connect(_ endpoint: Endpoint) throws {
        let address = endpoint.description
        try checkedCall("zmq_connect", .connectFailed, subject: address) {
            zmq_connect(handle, address)
        }
    }

    /// Unbinds `endpoint`; for a wildcard bind pass the concrete endpoint from `lastEndpoint`.
    public func unbind(_ endpoint: Endpoint) throws {
        let address = endpoint.description
        try checkedCall("zmq_unbind", .unbindFailed, subject: address) {
            zmq_unbind(handle, address)
        }
    }

    public func disconnect(_ endpoint: Endpoint) throws {
        let address = endpoint.description
        try checkedCall("zmq_disconnect", .disconnectFailed, subject: address) {
            zmq_disconnect(handle, address)
        }
    }

    /// The endpoint last bound or connected (`ZMQ_LAST_ENDPOINT`), with wildcards resolved:
    /// after `bind(tcp://127.0.0.1:*)` this reports the port the system chose. Nil before any
    /// bind or connect.
    public var lastEndpoint: Endpoint? {
        get throws {
            let text = try stringOption(.lastEndpoint)
            return text.isEmpty ? nil : try Endpoint(text)
        }
    }
}
