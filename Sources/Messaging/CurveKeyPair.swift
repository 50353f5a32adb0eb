import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CurveZMQ key pair, both keys as 40-character Z85 strings.
///
/// Every `CurveKeyPair` holds two valid keys that belong together: the initializers check the
/// Z85 form and that the public key is the one derived from the secret key. `description` shows
/// the public key only, so printing or logging a pair never leaks the secret.
public struct CurveKeyPair: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let publicKey: String
    public let secretKey: String

    /// Checks both keys and that `publicKey` belongs to `secretKey`; throws `.invalidKey`.
    public init(publicKey: String, secretKey: String) throws {
        try Z85Key.validate(publicKey, role: "public key")
        let derived = try Self.derivePublic(fromSecret: secretKey)
        guard derived == publicKey else {
            throw MessagingError(
                code: .invalidKey, subject: "public key", message: "does not belong to the secret key")
        }
        self.init(checkedPublicKey: publicKey, secretKey: secretKey)
    }

    /// The pair for `secretKey`, deriving its public key.
    public init(secretKey: String) throws {
        self.init(checkedPublicKey: try Self.derivePublic(fromSecret: secretKey), secretKey: secretKey)
    }

    private init(checkedPublicKey: String, secretKey: String) {
        self.publicKey = checkedPublicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair (`zmq_curve_keypair`, libsodium's generator).
    public static func generate() throws -> CurveKeyPair {
        try requireCurve("zmq_curve_keypair")
        var publicText = [CChar](repeating: 0, count: Z85Key.textCount + 1)
        var secretText = [CChar](repeating: 0, count: Z85Key.textCount + 1)
        try checkedCall("zmq_curve_keypair", .curveUnavailable) {
            zmq_curve_keypair(&publicText, &secretText)
        }
        return CurveKeyPair(checkedPublicKey: string(publicText), secretKey: string(secretText))
    }

    /// The public key belonging to `secretKey` (`zmq_curve_public`); throws `.invalidKey` if
    /// `secretKey` is not a Z85 key.
    public static func derivePublic(fromSecret secretKey: String) throws -> String {
        try Z85Key.validate(secretKey, role: "secret key")
        try requireCurve("zmq_curve_public")
        var publicText = [CChar](repeating: 0, count: Z85Key.textCount + 1)
        try checkedCall("zmq_curve_public", .invalidKey, subject: "secret key") {
            zmq_curve_public(&publicText, secretKey)
        }
        return string(publicText)
    }

    /// Throws `.invalidKey` with `role` as subject (e.g. "server public key") unless `key` is
    /// 40 characters of the Z85 alphabet encoding 32 bytes. The key is never quoted in the error.
    public static func validate(key: String, role: String) throws {
        try Z85Key.validate(key, role: role)
    }

    /// Whether this libzmq was built with CURVE (libsodium) support.
    public static var isAvailable: Bool { zmq_has("curve") == 1 }

    public var description: String { "CurveKeyPair(public: \(publicKey))" }
    public var debugDescription: String { description }

    /// Throws `.curveUnavailable` naming `function` when libzmq lacks CURVE.
    static func requireCurve(_ function: String) throws {
        guard isAvailable else {
            throw MessagingError(
                code: .curveUnavailable, function: function, errorNumber: ENOTSUP,
                message: "this libzmq was built without CURVE support (needs libsodium)")
        }
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
