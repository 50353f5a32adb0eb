import Messaging

/// Turns a failed handshake, as the worker socket's monitor reports it, into one line for the
/// operator at the worker, naming the endpoint and the likely causes. Without this a refused
/// worker only ever sees silence.
public struct HandshakeDiagnosis: Sendable, Hashable, CustomStringConvertible {
    /// Where the worker's CURVE keys came from, so messages can name the files to check.
    public struct KeyFiles: Sendable, Hashable {
        /// The coordinator's public key the worker pinned, e.g. `keys/coordinator.pub`.
        public var serverPublicKey: String
        /// The worker's own public key, the one that must be on the allow-list, e.g. `keys/w1.pub`.
        public var clientPublicKey: String

        public init(serverPublicKey: String, clientPublicKey: String) {
            self.serverPublicKey = serverPublicKey
            self.clientPublicKey = clientPublicKey
        }
    }

    public enum Cause: Sendable, Hashable {
        /// The coordinator's authenticator said no (ZAP status, 400 for a key not allowed).
        case refused(status: UInt32)
        /// One side uses CURVE and the other does not.
        case mechanismMismatch
        /// The connection closed mid-handshake, or a handshake command did not decrypt: what a
        /// wrong server key looks like from the client.
        case keysDoNotMatch
        /// The peer broke the ZMTP handshake otherwise (`ZMQ_PROTOCOL_ERROR_*` code).
        case protocolError(code: UInt32)

        /// How much the cause says: libzmq may report a vague failure beside a precise one for
        /// the same attempt, and the precise one is what the operator should read.
        var specificity: Int {
            switch self {
            case .refused, .mechanismMismatch: 3
            case .protocolError: 2
            case .keysDoNotMatch: 1
            }
        }
    }

    public let endpoint: String
    public let cause: Cause
    public let keyFiles: KeyFiles?

    /// Nil for events that are not handshake failures.
    public init?(_ event: SocketEvent, keyFiles: KeyFiles?) {
        if event.kind == .handshakeFailedAuth {
            cause = .refused(status: event.value)
        } else if event.isMechanismMismatch {
            cause = .mechanismMismatch
        } else if event.kind == .handshakeFailedNoDetail || event.isCryptographicFailure {
            cause = .keysDoNotMatch
        } else if event.kind == .handshakeFailedProtocol {
            cause = .protocolError(code: event.value)
        } else {
            return nil
        }
        endpoint = event.endpoint
        self.keyFiles = keyFiles
    }

    public var description: String {
        let clientKey = keyFiles?.clientPublicKey ?? "this worker's public key"
        switch (cause, keyFiles) {
        case (.refused(let status), _):
            return "the coordinator at \(endpoint) refused this worker's key (is \(clientKey) on its allow-list?)"
                + (status == 400 ? "" : " (status \(status))")
        case (.mechanismMismatch, nil):
            return "the coordinator at \(endpoint) uses CURVE and this worker does not:"
                + " give the worker the coordinator's public key and a key pair on its allow-list"
        case (.mechanismMismatch, _?):
            return "the coordinator at \(endpoint) does not use CURVE and this worker does: start one of them differently"
        case (.keysDoNotMatch, let files?):
            return "the CURVE handshake with the coordinator at \(endpoint) failed: is \(files.serverPublicKey) its public key"
                + " (a wrong server key), and is \(files.clientPublicKey) on its allow-list?"
        case (.keysDoNotMatch, nil):
            return "the coordinator at \(endpoint) closed the connection during the handshake: does it use CURVE?"
                + " (then this worker needs its public key and a key pair on its allow-list)"
        case (.protocolError(let code), _):
            return "the handshake with the coordinator at \(endpoint) failed (ZMTP protocol error 0x\(String(code, radix: 16))):"
                + " is it a pipeline coordinator?"
        }
    }
}
