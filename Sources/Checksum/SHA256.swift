import CSodium

/// SHA-256, incremental: `update` any number of times, then `finalize`. libsodium's
/// `crypto_hash_sha256` does the hashing (libzmq already links libsodium for CURVE, so this adds
/// no dependency and no build time; swift-crypto would add a minute to every clean build).
///
/// A value type: copying a hasher forks the computation, and `finalize()` does not consume it (it
/// finishes a copy), so a running digest can be read and updating continued.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(header)
/// hasher.update(payload)
/// let digest = hasher.finalize()          // 32 bytes
/// let hex = SHA256.hexString(digest)      // 64 lowercase hex digits, as sha256sum prints
/// ```
public struct SHA256: Sendable {
    /// Digest length in bytes.
    public static let digestByteCount = Int(crypto_hash_sha256_BYTES)

    /// libsodium's state: a plain C struct, so copying it forks the computation.
    private var state = crypto_hash_sha256_state()

    public init() {
        _ = crypto_hash_sha256_init(&state)
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest of everything added so far. The hasher itself is left unchanged.
    public func finalize() -> [UInt8] {
        var copy = state
        var digest = [UInt8](repeating: 0, count: Self.digestByteCount)
        _ = crypto_hash_sha256_final(&copy, &digest)
        return digest
    }

    /// `finalize()` as 64 lowercase hexadecimal digits.
    public var hexDigest: String { Self.hexString(finalize()) }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// `bytes` as lowercase hexadecimal, two digits per byte (the form `sha256sum` prints).
    public static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
