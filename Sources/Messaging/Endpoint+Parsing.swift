extension Endpoint {
    /// Longest `ipc` path: `sun_path` is 108 bytes on Linux including the terminating NUL.
    static let maxIPCPathBytes = 107

    /// Parses and validates `string`; throws `MessagingError` with code `.invalidEndpoint`
    /// whose `subject` is `string`.
    ///
    /// Checked here rather than left to `zmq_bind`, so that a typo in configuration fails when it
    /// is read, with a message saying what is wrong, instead of as `EINVAL` at bind time.
    public init(_ string: String) throws {
        func invalid(_ reason: String) -> MessagingError {
            MessagingError(code: .invalidEndpoint, subject: string, message: reason)
        }
        guard let separator = string.firstRange(of: "://") else {
            throw invalid("expected 'transport://address' (tcp, ipc or inproc)")
        }
        let scheme = string[..<separator.lowerBound]
        let address = String(string[separator.upperBound...])
        guard !address.isEmpty else { throw invalid("empty address") }
        guard !address.contains("\0") else { throw invalid("address contains a NUL byte") }

        switch scheme {
        case "tcp":
            let (host, port) = try Self.parseTCP(address, invalid: invalid)
            self.init(validated: .tcp(host: host, port: port))
        case "ipc":
            guard address.utf8.count <= Self.maxIPCPathBytes else {
                throw invalid("ipc path longer than \(Self.maxIPCPathBytes) bytes")
            }
            self.init(validated: .ipc(path: address))
        case "inproc":
            self.init(validated: .inproc(name: address))
        default:
            throw invalid("unsupported transport '\(scheme)' (expected tcp, ipc or inproc)")
        }
    }

    /// Splits `host:port` at the last colon; IPv6 hosts must be bracketed so that split is unambiguous.
    private static func parseTCP(
        _ address: String, invalid: (String) -> MessagingError
    ) throws -> (String, TCPPort) {
        guard let colon = address.lastIndex(of: ":") else {
            throw invalid("expected 'host:port'")
        }
        let host = String(address[..<colon])
        let portText = address[address.index(after: colon)...]

        guard !host.isEmpty else { throw invalid("empty host") }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                throw invalid("unterminated IPv6 host '\(host)'")
            }
        } else if host.contains(":") {
            throw invalid("IPv6 host must be bracketed, e.g. tcp://[::1]:5555")
        }
        // ';' would select ZeroMQ's source-address syntax, which this type does not model.
        if let bad = host.first(where: { $0.isWhitespace || $0 == "/" || $0 == ";" }) {
            throw invalid("host contains '\(bad)'")
        }

        if portText == "*" { return (host, .ephemeral) }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = UInt16(portText) else {
            throw invalid("port must be '*' or a number in 1...65535")
        }
        guard port != 0 else { throw invalid("port 0 is not allowed; use '*' for an ephemeral port") }
        return (host, .number(port))
    }
}
