import CZeroMQ

/// CURVE keys in their two forms: 32 raw bytes (what CurveZMQ and ZAP credentials use) and 40
/// characters of Z85 (ZeroMQ's printable encoding, what people copy into files and configs).
///
/// Internal: the public API speaks Z85 strings; binary keys appear only inside this module
/// (socket options, the ZAP allow-list).
enum Z85Key {
    static let binaryByteCount = 32
    static let textCount = 40

    /// The 85 characters of ZeroMQ's Z85 alphabet (RFC 32).
    private static let alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// Why `text` is not a Z85 key, or nil if it is one.
    ///
    /// Besides length and alphabet, the text must be the canonical encoding of 32 bytes:
    /// some 5-character groups (e.g. `#####`) exceed 2^32 and decode to nothing.
    static func problem(with text: String) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.count == textCount else {
            return "expected \(textCount) characters of the Z85 alphabet, got \(text.count) characters"
        }
        if let position = utf8.firstIndex(where: { !alphabet.contains($0) }) {
            return "character \(position + 1) is not in the Z85 alphabet"
        }
        guard let bytes = decodeUnchecked(text), encode(bytes) == text else {
            return "not a valid Z85 encoding of a 32-byte key"
        }
        return nil
    }

    /// Throws `.invalidKey` naming `role` (e.g. "server public key") if `text` is not a key.
    ///
    /// The key itself is never put in the error, so a mistyped secret key does not end up in logs.
    static func validate(_ text: String, role: String) throws {
        if let problem = problem(with: text) {
            throw MessagingError(code: .invalidKey, subject: role, message: problem)
        }
    }

    /// The 32 bytes of a validated key.
    static func decode(_ text: String, role: String) throws -> [UInt8] {
        try validate(text, role: role)
        return decodeUnchecked(text)!
    }

    /// 32 bytes as 40 Z85 characters.
    static func encode(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == binaryByteCount, "a CURVE key is \(binaryByteCount) bytes")
        var text = [CChar](repeating: 0, count: textCount + 1)
        // zmq_z85_encode fails only for sizes not divisible by 4; 32 is.
        _ = zmq_z85_encode(&text, bytes, bytes.count)
        return String(decoding: text.prefix(textCount).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func decodeUnchecked(_ text: String) -> [UInt8]? {
        guard text.utf8.count == textCount else { return nil }
        var bytes = [UInt8](repeating: 0, count: binaryByteCount)
        let decoded = text.withCString { zmq_z85_decode(&bytes, $0) }
        return decoded == nil ? nil : bytes
    }
}
