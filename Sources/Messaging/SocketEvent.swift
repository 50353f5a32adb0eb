import CZeroMQ

/// Something that happened to a socket's connections, as libzmq's socket monitor reports it:
/// connects, disconnects and, above all, failed security handshakes, which are otherwise
/// invisible (a refused CURVE client just never gets a message through).
public struct SocketEvent: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of event a `SocketMonitor` can watch; also its subscription set.
    public struct Kinds: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public static let connected = Kinds(rawValue: UInt16(ZMQ_EVENT_CONNECTED))
        public static let connectDelayed = Kinds(rawValue: UInt16(ZMQ_EVENT_CONNECT_DELAYED))
        public static let connectRetried = Kinds(rawValue: UInt16(ZMQ_EVENT_CONNECT_RETRIED))
        public static let listening = Kinds(rawValue: UInt16(ZMQ_EVENT_LISTENING))
        public static let bindFailed = Kinds(rawValue: UInt16(ZMQ_EVENT_BIND_FAILED))
        public static let accepted = Kinds(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
        public static let acceptFailed = Kinds(rawValue: UInt16(ZMQ_EVENT_ACCEPT_FAILED))
        public static let closed = Kinds(rawValue: UInt16(ZMQ_EVENT_CLOSED))
        public static let closeFailed = Kinds(rawValue: UInt16(ZMQ_EVENT_CLOSE_FAILED))
        public static let disconnected = Kinds(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
        public static let monitorStopped = Kinds(rawValue: UInt16(ZMQ_EVENT_MONITOR_STOPPED))
        /// The connection closed during the handshake without saying why: on a client, what a
        /// CURVE server does when it cannot decrypt the client's HELLO (a wrong server key) or
        /// when one side uses CURVE and the other does not. `value` is an errno.
        public static let handshakeFailedNoDetail = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        public static let handshakeSucceeded = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
        /// The peer broke the ZMTP handshake; `value` is a `ZMQ_PROTOCOL_ERROR_*` code.
        public static let handshakeFailedProtocol = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
        /// Authentication refused: on a client, the server's ZAP handler said no (`value` is its
        /// status code, 400 for a key not on the allow-list); on a server, it refused a client.
        public static let handshakeFailedAuth = Kinds(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))

        /// Every way a handshake can fail.
        public static let handshakeFailures: Kinds = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
        /// Every event libzmq 4.3 reports with the version-1 monitor protocol.
        public static let all = Kinds(rawValue: UInt16(truncatingIfNeeded: ZMQ_EVENT_ALL))

        var name: String {
            let names: [(Kinds, String)] = [
                (.connected, "connected"), (.connectDelayed, "connect delayed"), (.connectRetried, "connect retried"),
                (.listening, "listening"), (.bindFailed, "bind failed"), (.accepted, "accepted"), (.acceptFailed, "accept failed"),
                (.closed, "closed"), (.closeFailed, "close failed"), (.disconnected, "disconnected"),
                (.monitorStopped, "monitor stopped"), (.handshakeFailedNoDetail, "handshake failed"),
                (.handshakeSucceeded, "handshake succeeded"), (.handshakeFailedProtocol, "handshake failed (protocol error)"),
                (.handshakeFailedAuth, "handshake failed (authentication)"),
            ]
            return names.first { $0.0 == self }?.1 ?? "event 0x\(String(rawValue, radix: 16))"
        }
    }

    /// One kind (a single bit of `Kinds`).
    public let kind: Kinds
    /// Event-specific: an errno, a ZAP status code, a `ZMQ_PROTOCOL_ERROR_*` code, a file
    /// descriptor or a reconnect interval (see `Kinds`).
    public let value: UInt32
    /// The endpoint the event is about, e.g. `tcp://10.0.0.5:5555`.
    public let endpoint: String

    public init(kind: Kinds, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    public var isHandshakeFailure: Bool { !kind.isDisjoint(with: .handshakeFailures) }

    /// A protocol failure because the peers' security mechanisms differ (CURVE on one side only).
    public var isMechanismMismatch: Bool {
        kind == .handshakeFailedProtocol && value == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
    }

    /// A protocol failure because a handshake command could not be decrypted (mismatched keys).
    public var isCryptographicFailure: Bool {
        kind == .handshakeFailedProtocol && value == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    }

    /// e.g. `handshake failed (authentication) on tcp://127.0.0.1:5555 (value 400)`.
    public var description: String { "\(kind.name) on \(endpoint) (value \(value))" }

    /// Parses the two frames of a version-1 monitor message: 2 bytes event number and 4 bytes
    /// value (host byte order), then the endpoint.
    init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let head = frames[0]
        kind = Kinds(rawValue: head.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
        value = head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
        endpoint = String(decoding: frames[1], as: UTF8.self)
    }
}
