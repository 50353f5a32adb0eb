/// Authenticates the clients of this context's CURVE servers against an allow-list of public
/// keys, speaking ZAP 1.0 (RFC 27) on a REP socket bound to `inproc://zeromq.zap.01`.
///
/// ZeroMQ asks the handler about every incoming handshake and holds the connection until it
/// answers. The handler has no thread of its own: like every socket it belongs to one owner,
/// which polls `socket` together with its other sockets (see `Poller`) and calls
/// `handlePending()` when it is readable. Create it before clients connect; there is at most one
/// per `MessageContext` (a second fails with `.bindFailed`, "Address already in use").
///
/// Policy:
/// - CURVE: "200" if the client's public key is allowed, otherwise "400" (connection refused);
///   the refused key is recorded in `rejectedKeys` and reported to `onRefusal`.
/// - NULL (no security; ZeroMQ consults ZAP only if the server set a ZAP domain): "200" only if
///   created with `allowUnauthenticated: true`.
/// - Any other mechanism (PLAIN, GSSAPI): "400".
public final class ZAPHandler {
    /// The endpoint fixed by RFC 27.
    public static let endpoint = try! Endpoint("inproc://zeromq.zap.01")
    /// At most this many distinct refused keys are remembered, so a stream of random keys
    /// cannot grow memory without bound; `onRefusal` still sees every refusal.
    public static let maxRememberedRejections = 1024

    /// The REP socket, exposed for polling only; `handlePending()` does all its I/O.
    public let socket: Socket
    public let allowUnauthenticated: Bool
    /// Distinct refused CURVE client keys (Z85), in the order first seen.
    public private(set) var rejectedKeys: [String] = []
    /// Called for every refused handshake, e.g. to log "refused worker key ... from 10.0.0.7".
    public var onRefusal: ((ZAPRefusal) -> Void)?

    /// Allowed client keys, binary (32 bytes), as CURVE presents them in ZAP credentials.
    private var allowed: Set<[UInt8]> = []
    private var rejectedSet: Set<String> = []

    /// Small caps: a real request is 7 frames of well under 1 KB.
    private static let requestLimits = ReceiveLimits(maxFrames: 16, maxTotalBytes: 64 << 10)

    /// Binds the handler in `context`; `allowedClientKeys` are Z85 public keys (`.invalidKey`
    /// names the offending one by position).
    public init(
        context: MessageContext, allowedClientKeys: [String] = [], allowUnauthenticated: Bool = false
    ) throws {
        self.allowUnauthenticated = allowUnauthenticated
        socket = try Socket(.rep, in: context)
        for (index, key) in allowedClientKeys.enumerated() {
            allowed.insert(try Z85Key.decode(key, role: "allowed client key #\(index + 1)"))
        }
        try socket.bind(Self.endpoint)
    }

    /// Adds a client public key (Z85) to the allow-list; effective for the next handshake.
    public func allow(clientKey: String) throws {
        allowed.insert(try Z85Key.decode(clientKey, role: "allowed client key"))
    }

    /// Removes a client key; connections already established stay up.
    public func revoke(clientKey: String) throws {
        allowed.remove(try Z85Key.decode(clientKey, role: "revoked client key"))
    }

    /// The allow-list, as Z85 public keys.
    public var allowedClientKeys: Set<String> { Set(allowed.map(Z85Key.encode)) }

    /// Answers every ZAP request already waiting, without blocking; returns how many.
    @discardableResult
    public func handlePending() throws -> Int {
        var answered = 0
        while true {
            let reply: [[UInt8]]
            do {
                guard let frames = try socket.receive(within: .zero, limits: Self.requestLimits) else { break }
                reply = answer(frames)
            } catch let error as MessagingError where error.code == .tooManyFrames || error.code == .messageTooLarge {
                // REP has taken the (drained) request and now owes a reply before it can receive
                // again; without a request id ZeroMQ will simply drop it.
                reply = ZAPReply(status: .internalError, text: "malformed ZAP request", userID: "")
                    .frames(requestID: [])
            }
            try socket.send(reply)
            answered += 1
        }
        return answered
    }

    /// The reply frames for one request, applying the policy above.
    private func answer(_ frames: [[UInt8]]) -> [[UInt8]] {
        let request: ZAPRequest
        switch ZAPRequest.parse(frames) {
        case .failure(let failure):
            return ZAPReply(status: .internalError, text: failure.reason, userID: "").frames(requestID: failure.requestID)
        case .success(let parsed):
            request = parsed
        }

        let reply: ZAPReply
        switch request.mechanism {
        case "CURVE":
            guard request.credentials.count == 1, request.credentials[0].count == Z85Key.binaryByteCount else {
                reply = ZAPReply(status: .failure, text: "malformed CURVE credentials", userID: "")
                refuse(request, clientKey: nil, reason: reply.text)
                break
            }
            let key = Z85Key.encode(request.credentials[0])
            if allowed.contains(request.credentials[0]) {
                reply = ZAPReply(status: .success, text: "OK", userID: key)
            } else {
                reply = ZAPReply(status: .failure, text: "client key not allowed", userID: "")
                refuse(request, clientKey: key, reason: reply.text)
            }
        case "NULL":
            if allowUnauthenticated {
                reply = ZAPReply(status: .success, text: "OK", userID: "")
            } else {
                reply = ZAPReply(status: .failure, text: "unauthenticated clients not allowed", userID: "")
                refuse(request, clientKey: nil, reason: reply.text)
            }
        default:
            reply = ZAPReply(status: .failure, text: "mechanism \(request.mechanism) not supported", userID: "")
            refuse(request, clientKey: nil, reason: reply.text)
        }
        return reply.frames(requestID: request.requestID)
    }

    private func refuse(_ request: ZAPRequest, clientKey: String?, reason: String) {
        if let clientKey, rejectedKeys.count < Self.maxRememberedRejections,
            rejectedSet.insert(clientKey).inserted
        {
            rejectedKeys.append(clientKey)
        }
        onRefusal?(ZAPRefusal(
            mechanism: request.mechanism, address: request.address, domain: request.domain,
            clientKey: clientKey, reason: reason))
    }
}

/// One refused handshake, as reported to `ZAPHandler.onRefusal`.
public struct ZAPRefusal: Sendable, Hashable, CustomStringConvertible {
    /// "CURVE", "NULL", "PLAIN"...
    public let mechanism: String
    /// The client's IP address as ZeroMQ reports it (empty for inproc).
    public let address: String
    /// The server socket's ZAP domain.
    public let domain: String
    /// The client's public key (Z85) for CURVE; nil otherwise.
    public let clientKey: String?
    public let reason: String

    /// E.g. `refused CURVE client key rq:rM>}... from 10.0.0.7: client key not allowed`.
    public var description: String {
        let who = clientKey.map { "\(mechanism) client key \($0)" } ?? "\(mechanism) client"
        let from = address.isEmpty ? "" : " from \(address)"
        return "refused \(who)\(from): \(reason)"
    }
}
