/// A validated ZeroMQ endpoint such as `tcp://127.0.0.1:5555`, `tcp://*:*`, `ipc:///tmp/feed`
/// or `inproc://results`.
///
/// Only `init(_:)` creates one, so every `Endpoint` has passed validation; `description` gives
/// back the string ZeroMQ expects.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Transport: Hashable, Sendable {
        /// `host` is `*` (all interfaces, bind only), an IPv4 address, a host or interface name,
        /// or a bracketed IPv6 address such as `[::1]`.
        case tcp(host: String, port: TCPPort)
        /// A Unix-domain socket path (`ipc:///tmp/x` has path `/tmp/x`; `@name` is Linux abstract).
        case ipc(path: String)
        /// In-process transport between sockets of the same `MessageContext`.
        case inproc(name: String)
    }

    public enum TCPPort: Hashable, Sendable, CustomStringConvertible {
        /// `*`: let the system choose an ephemeral port when binding; read it back via
        /// `Socket.lastEndpoint`.
        case ephemeral
        case number(UInt16)

        public var description: String {
            switch self {
            case .ephemeral: "*"
            case .number(let port): String(port)
            }
        }
    }

    public let transport: Transport

    init(validated transport: Transport) { self.transport = transport }

    public var description: String {
        switch transport {
        case .tcp(let host, let port): "tcp://\(host):\(port)"
        case .ipc(let path): "ipc://\(path)"
        case .inproc(let name): "inproc://\(name)"
        }
    }

    /// The TCP port number, or nil for non-TCP endpoints and for `*`.
    public var tcpPort: UInt16? {
        if case .tcp(_, .number(let port)) = transport { return port }
        return nil
    }
}
