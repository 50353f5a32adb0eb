import Checksum
import Testing

/// FIPS 180-4 / NIST CSRC example vectors ("SHA256.pdf", "SHA2 additional examples").
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func nistVectors(_ message: String, _ expected: String) {
        let digest = SHA256.hash(Array(message.utf8))
        #expect(digest.count == SHA256.digestByteCount)
        #expect(SHA256.hexString(digest) == expected)
    }

    @Test func oneMillionAs() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexString(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == expected)

        // The same message fed in uneven pieces crosses every partial-block path.
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var fed = 0
        while fed < 1_000_000 {
            let take = min(piece.count, 1_000_000 - fed)
            hasher.update(Array(piece[0..<take]))
            fed += take
        }
        #expect(hasher.hexDigest == expected)
    }

    @Test func incrementalUpdatesMatchOneShotForEverySplit() {
        // Lengths around the 55/56/64-byte padding boundaries, split at every position.
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let oneShot = SHA256.hash(message)
            for split in 0...length {
                var hasher = SHA256()
                hasher.update(Array(message[..<split]))
                hasher.update(Array(message[split...]))
                #expect(hasher.finalize() == oneShot, "length \(length), split \(split)")
            }
        }
    }

    @Test func finalizeLeavesTheHasherUsable() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        let early = hasher.finalize()
        #expect(hasher.finalize() == early)
        hasher.update(Array("c".utf8))
        #expect(hasher.hexDigest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func unsafeBufferUpdateMatchesArrayUpdate() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var hasher = SHA256()
        message.withUnsafeBytes { hasher.update($0) }
        hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test func hexStringIsLowercaseTwoDigitsPerByte() {
        #expect(SHA256.hexString([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SHA256.hexString([]) == "")
    }
}
