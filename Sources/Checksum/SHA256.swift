/// SHA-256 (FIPS 180-4), incremental: `update` any number of times, then `finalize`.
///
/// Pure Swift so that the coordinator and workers can check model and tile hashes without a
/// crypto dependency. A value type: copying a hasher forks the computation, and `finalize()` does
/// not consume it (it pads a copy), so a running digest can be read and updating continued.
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
    public static let digestByteCount = 32
    /// SHA-256 works on 64-byte blocks.
    static let blockByteCount = 64

    /// The eight working hash words H0...H7, initialised to FIPS 180-4 section 5.3.3.
    var state = SHA256State()
    /// Bytes of an incomplete block, waiting for more input (fewer than 64).
    private var pending: [UInt8] = []
    /// Message length so far, in bytes (FIPS 180-4 limits messages to 2^64 bits).
    private var byteCount: UInt64 = 0

    public init() {
        pending.reserveCapacity(Self.blockByteCount)
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        byteCount &+= UInt64(remaining)

        // Top up a partial block first.
        if !pending.isEmpty {
            let take = min(Self.blockByteCount - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: input, count: take))
            input += take
            remaining -= take
            guard pending.count == Self.blockByteCount else { return }
            pending.withUnsafeBytes { state.compress(blocks: $0.baseAddress!, count: 1) }
            pending.removeAll(keepingCapacity: true)
        }

        // Whole blocks straight from the caller's memory, without copying.
        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            state.compress(blocks: input, count: wholeBlocks)
            input += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }
        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: input, count: remaining))
        }
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest of everything added so far. The hasher itself is left unchanged.
    public func finalize() -> [UInt8] {
        // Padding (FIPS 180-4 section 5.1.1): 0x80, zeros up to 56 mod 64, then the length in
        // bits as a big-endian 64-bit integer.
        var tail = pending
        tail.append(0x80)
        let padded = tail.count <= 56 ? 64 : 128
        tail.append(contentsOf: repeatElement(0, count: padded - 8 - tail.count))
        let bitCount = byteCount &* 8
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitCount >> UInt64(shift)))
        }

        var final = state
        tail.withUnsafeBytes { final.compress(blocks: $0.baseAddress!, count: padded / 64) }
        return final.bigEndianBytes
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
