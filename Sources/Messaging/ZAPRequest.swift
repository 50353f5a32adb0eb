/// One ZAP 1.0 request (RFC 27, ZeroMQ Authentication Protocol), as ZeroMQ's security layer
/// sends it to the handler at `inproc://zeromq.zap.01` during a handshake:
///
///     version "1.0" | request id | domain | address | routing id | mechanism | credentials...
///
/// For CURVE the one credential is the client's 32-byte public key; NULL has none.
struct ZAPRequest {
    let requestID: [UInt8]
    let domain: String
    /// The peer's IP address as text.
    let address: String
    let routingID: [UInt8]
    let mechanism: String
    let credentials: [[UInt8]]

    /// Parses `frames`, or says why they are not a ZAP 1.0 request.
    static func parse(_ frames: [[UInt8]]) -> Result<ZAPRequest, ZAPParseFailure> {
        guard frames.count >= 6 else {
            return .failure(ZAPParseFailure(
                requestID: frames.count > 1 ? frames[1] : [],
                reason: "malformed ZAP request: \(frames.count) frames, expected at least 6"))
        }
        guard frames[0] == Array("1.0".utf8) else {
            return .failure(ZAPParseFailure(requestID: frames[1], reason: "unsupported ZAP version"))
        }
        func text(_ frame: [UInt8]) -> String { String(decoding: frame, as: UTF8.self) }
        return .success(ZAPRequest(
            requestID: frames[1], domain: text(frames[2]), address: text(frames[3]),
            routingID: frames[4], mechanism: text(frames[5]), credentials: Array(frames[6...])))
    }
}

struct ZAPParseFailure: Error {
    /// Echoed in the reply when the request got that far, so ZeroMQ can match it.
    let requestID: [UInt8]
    let reason: String
}

/// A ZAP 1.0 reply: `version | request id | status code | status text | user id | metadata`.
struct ZAPReply {
    enum Status: String {
        /// Authenticated.
        case success = "200"
        /// Authentication refused: ZeroMQ closes the connection.
        case failure = "400"
        /// The request itself was malformed.
        case internalError = "500"
    }

    let status: Status
    let text: String
    /// What ZeroMQ attaches to the peer's messages as "User-Id" (the client's Z85 key for CURVE).
    let userID: String

    func frames(requestID: [UInt8]) -> [[UInt8]] {
        // Metadata is a (here empty) ZMTP property list.
        [Array("1.0".utf8), requestID, Array(status.rawValue.utf8), Array(text.utf8), Array(userID.utf8), []]
    }
}
