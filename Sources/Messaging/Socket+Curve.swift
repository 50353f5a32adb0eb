import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SocketOption {
    static let curveServer = SocketOption(number: ZMQ_CURVE_SERVER, name: "ZMQ_CURVE_SERVER")
    static let curvePublicKey = SocketOption(number: ZMQ_CURVE_PUBLICKEY, name: "ZMQ_CURVE_PUBLICKEY")
    static let curveSecretKey = SocketOption(number: ZMQ_CURVE_SECRETKEY, name: "ZMQ_CURVE_SECRETKEY")
    static let curveServerKey = SocketOption(number: ZMQ_CURVE_SERVERKEY, name: "ZMQ_CURVE_SERVERKEY")
    static let zapDomain = SocketOption(number: ZMQ_ZAP_DOMAIN, name: "ZMQ_ZAP_DOMAIN")
    /// A draft option in zmq.h (hence the literal; 93 since libzmq 4.2.3), honoured by release
    /// builds of libzmq 4.3: with it, a CURVE server whose context has no ZAP handler refuses
    /// every client instead of accepting any key.
    static let zapEnforceDomain = SocketOption(number: 93, name: "ZMQ_ZAP_ENFORCE_DOMAIN")
}

/// CurveZMQ (RFC 26): encryption and authentication of every connection of a socket.
///
/// **Set these before `bind` or `connect`.** ZeroMQ copies a socket's security options when an
/// endpoint is bound or connected, so options set afterwards would silently not apply to it;
/// these methods therefore throw `.optionFailed` on a socket that was already bound or connected.
extension Socket {
    /// Makes this socket a CURVE server with `keys` (the coordinator's pair).
    ///
    /// Clients are authenticated by the `ZAPHandler` of this socket's context, which must exist
    /// before clients connect and must be serviced (`handlePending()`) while they handshake.
    /// Without a handler every client is refused (fail closed). `zapDomain` is passed to the
    /// handler with each request.
    public func makeCurveServer(keys: CurveKeyPair, zapDomain: String = "global") throws {
        try requireUnconnected()
        try CurveKeyPair.requireCurve("zmq_setsockopt")
        try setSecurityOption(.curveServer, int32: 1)
        try setSecurityOption(.curveSecretKey, bytes: Z85Key.decode(keys.secretKey, role: "server secret key"))
        try setZAPDomain(zapDomain)
        do {
            try setSecurityOption(.zapEnforceDomain, int32: 1)
        } catch let error as MessagingError where error.errorNumber == EINVAL {
            // A libzmq without the option: ZAP is still consulted whenever a handler exists.
        }
    }

    /// Makes this socket a CURVE client that only talks to the server holding the secret key of
    /// `serverPublicKey`, and proves its own identity with `keys` (a worker's pair, whose public
    /// key must be on the server's allow-list). With a wrong server key the handshake fails and
    /// no message is ever exchanged.
    public func makeCurveClient(keys: CurveKeyPair, serverPublicKey: String) throws {
        try requireUnconnected()
        try CurveKeyPair.requireCurve("zmq_setsockopt")
        let serverKey = try Z85Key.decode(serverPublicKey, role: "server public key")
        try setSecurityOption(.curveServerKey, bytes: serverKey)
        try setSecurityOption(.curvePublicKey, bytes: Z85Key.decode(keys.publicKey, role: "public key"))
        try setSecurityOption(.curveSecretKey, bytes: Z85Key.decode(keys.secretKey, role: "secret key"))
    }

    /// Sets the ZAP domain (`ZMQ_ZAP_DOMAIN`, RFC 27). On a socket without CURVE (the NULL
    /// mechanism) this is what makes ZeroMQ consult the `ZAPHandler` at all; set before `bind`.
    public func setZAPDomain(_ domain: String) throws {
        try setSecurityOption(.zapDomain, bytes: Array(domain.utf8))
    }

    /// Throws when the socket has bound or connected already (see the note on this extension).
    private func requireUnconnected() throws {
        if try stringOption(.lastEndpoint).isEmpty { return }
        throw MessagingError(
            code: .optionFailed, subject: "CURVE options",
            message: "must be set before bind or connect; this \(kind) socket is already bound or connected")
    }

    // Same shape as the private setters in Socket+Options.swift, kept here so that file stays
    // untouched; security options are only ever set through the typed methods above.

    private func setSecurityOption(_ option: SocketOption, int32 value: Int32) throws {
        var value = value
        try checkedCall("zmq_setsockopt", .optionFailed, subject: option.name) {
            zmq_setsockopt(handle, option.number, &value, MemoryLayout<Int32>.size)
        }
    }

    private func setSecurityOption(_ option: SocketOption, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            _ = try checkedCall("zmq_setsockopt", .optionFailed, subject: option.name) {
                zmq_setsockopt(handle, option.number, buffer.baseAddress, buffer.count)
            }
        }
    }
}
