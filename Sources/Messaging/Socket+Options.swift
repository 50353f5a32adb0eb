import CZeroMQ

/// A `ZMQ_*` option number with its name for error messages. Internal: callers use the typed
/// setters below, never raw option numbers.
struct SocketOption {
    let number: Int32
    let name: String

    static let linger = SocketOption(number: ZMQ_LINGER, name: "ZMQ_LINGER")
    static let sendTimeout = SocketOption(number: ZMQ_SNDTIMEO, name: "ZMQ_SNDTIMEO")
    static let receiveTimeout = SocketOption(number: ZMQ_RCVTIMEO, name: "ZMQ_RCVTIMEO")
    static let routerMandatory = SocketOption(number: ZMQ_ROUTER_MANDATORY, name: "ZMQ_ROUTER_MANDATORY")
    static let maxMessageSize = SocketOption(number: ZMQ_MAXMSGSIZE, name: "ZMQ_MAXMSGSIZE")
    static let heartbeatInterval = SocketOption(number: ZMQ_HEARTBEAT_IVL, name: "ZMQ_HEARTBEAT_IVL")
    static let heartbeatTimeout = SocketOption(number: ZMQ_HEARTBEAT_TIMEOUT, name: "ZMQ_HEARTBEAT_TIMEOUT")
    static let heartbeatTTL = SocketOption(number: ZMQ_HEARTBEAT_TTL, name: "ZMQ_HEARTBEAT_TTL")
    static let routingID = SocketOption(number: ZMQ_ROUTING_ID, name: "ZMQ_ROUTING_ID")
    static let subscribe = SocketOption(number: ZMQ_SUBSCRIBE, name: "ZMQ_SUBSCRIBE")
    static let unsubscribe = SocketOption(number: ZMQ_UNSUBSCRIBE, name: "ZMQ_UNSUBSCRIBE")
    static let lastEndpoint = SocketOption(number: ZMQ_LAST_ENDPOINT, name: "ZMQ_LAST_ENDPOINT")
}

extension Socket {
    /// How long `deinit` may wait to deliver queued messages (`ZMQ_LINGER`).
    public func setLinger(_ linger: Timeout) throws {
        try setOption(.linger, int32: linger.zmqMilliseconds)
    }

    /// How long a blocking send may wait before failing with `EAGAIN` (`ZMQ_SNDTIMEO`).
    public func setSendTimeout(_ timeout: Timeout) throws {
        try setOption(.sendTimeout, int32: timeout.zmqMilliseconds)
    }

    /// How long `receive(limits:)` may wait before returning nil (`ZMQ_RCVTIMEO`).
    public func setReceiveTimeout(_ timeout: Timeout) throws {
        try setOption(.receiveTimeout, int32: timeout.zmqMilliseconds)
    }

    /// ROUTER only: when true, sending to an unknown identity fails with `EHOSTUNREACH`
    /// instead of being silently dropped (`ZMQ_ROUTER_MANDATORY`).
    public func setRouterMandatory(_ enabled: Bool) throws {
        try setOption(.routerMandatory, int32: enabled ? 1 : 0)
    }

    /// Largest single frame a peer may send before ZeroMQ drops the connection
    /// (`ZMQ_MAXMSGSIZE`); nil means no limit. Applies per frame at the transport;
    /// `ReceiveLimits` caps whole messages.
    public func setMaxMessageSize(_ bytes: Int?) throws {
        try setOption(.maxMessageSize, int64: Int64(bytes ?? -1))
    }

    /// Sends a ZMTP PING this often on idle connections (`ZMQ_HEARTBEAT_IVL`); `.zero` disables.
    public func setHeartbeatInterval(_ interval: Duration) throws {
        try setOption(.heartbeatInterval, int32: interval.zmqMilliseconds)
    }

    /// Drops the connection if no traffic arrives this long after a PING (`ZMQ_HEARTBEAT_TIMEOUT`).
    public func setHeartbeatTimeout(_ timeout: Duration) throws {
        try setOption(.heartbeatTimeout, int32: timeout.zmqMilliseconds)
    }

    /// Asks the *peer* to time us out after this long without traffic (`ZMQ_HEARTBEAT_TTL`;
    /// ZeroMQ rounds to 100 ms and caps it at 6553.5 s).
    public func setHeartbeatTTL(_ ttl: Duration) throws {
        try setOption(.heartbeatTTL, int32: ttl.zmqMilliseconds)
    }

    /// The identity a ROUTER peer sees for this socket (`ZMQ_ROUTING_ID`, 1...255 bytes, not
    /// starting with a zero byte). Set before `connect`.
    public func setRoutingID(_ id: [UInt8]) throws {
        try setOption(.routingID, bytes: id)
    }

    /// SUB only: receive messages whose first frame starts with `prefix` (empty: everything).
    public func subscribe(prefix: [UInt8] = []) throws {
        try setOption(.subscribe, bytes: prefix)
    }

    /// SUB only: undo one matching `subscribe(prefix:)`.
    public func unsubscribe(prefix: [UInt8] = []) throws {
        try setOption(.unsubscribe, bytes: prefix)
    }

    // MARK: Raw access, kept private to this file's typed setters and `lastEndpoint`.

    private func setOption(_ option: SocketOption, int32 value: Int32) throws {
        var value = value
        try checkedCall("zmq_setsockopt", .optionFailed, subject: option.name) {
            zmq_setsockopt(handle, option.number, &value, MemoryLayout<Int32>.size)
        }
    }

    private func setOption(_ option: SocketOption, int64 value: Int64) throws {
        var value = value
        try checkedCall("zmq_setsockopt", .optionFailed, subject: option.name) {
            zmq_setsockopt(handle, option.number, &value, MemoryLayout<Int64>.size)
        }
    }

    private func setOption(_ option: SocketOption, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            _ = try checkedCall("zmq_setsockopt", .optionFailed, subject: option.name) {
                zmq_setsockopt(handle, option.number, buffer.baseAddress, buffer.count)
            }
        }
    }

    /// Reads a NUL-terminated string option such as `ZMQ_LAST_ENDPOINT`.
    func stringOption(_ option: SocketOption) throws -> String {
        // 1 KiB comfortably holds any endpoint (ipc paths are at most 107 bytes).
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        try checkedCall("zmq_getsockopt", .optionFailed, subject: option.name) {
            zmq_getsockopt(handle, option.number, &buffer, &size)
        }
        let bytes = buffer.prefix(size).prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
