import CZeroMQ

/// Owns a ZeroMQ context: the I/O threads shared by the sockets created in it.
///
/// Every `Socket` keeps its context alive, so the context is terminated (`zmq_ctx_term`, which
/// waits for all its sockets to close) only after its last socket has been closed.
///
/// `@unchecked Sendable`: ZeroMQ documents contexts as thread-safe, and this class holds nothing
/// but the immutable handle, so sockets may be created from any thread.
public final class MessageContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() throws {
        handle = try checkedCall("zmq_ctx_new", .contextFailed) { zmq_ctx_new() }
    }

    deinit {
        // Only EINTR (retried) or EFAULT (impossible: the handle is valid) can occur here.
        _ = try? checkedCall("zmq_ctx_term", .contextFailed) { zmq_ctx_term(handle) }
    }
}
