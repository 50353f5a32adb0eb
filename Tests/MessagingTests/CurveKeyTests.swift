import Messaging
import Testing

@Suite struct CurveKeyTests {
    @Test func generatedPairsDeriveTheirPublicKey() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.count == 40 && pair.secretKey.count == 40)
        #expect(try CurveKeyPair.derivePublic(fromSecret: pair.secretKey) == pair.publicKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(try CurveKeyPair(publicKey: pair.publicKey, secretKey: pair.secretKey) == pair)
        #expect(try CurveKeyPair.generate() != pair, "keys are random")
    }

    @Test func printingAPairNeverShowsTheSecretKey() throws {
        let pair = try CurveKeyPair.generate()
        for text in ["\(pair)", String(reflecting: pair)] {
            #expect(text.contains(pair.publicKey))
            #expect(!text.contains(pair.secretKey))
        }
    }

    @Test func aPublicKeyFromAnotherPairIsRejected() throws {
        let pair = try CurveKeyPair.generate(), other = try CurveKeyPair.generate()
        let error = #expect(throws: MessagingError.self) {
            try CurveKeyPair(publicKey: other.publicKey, secretKey: pair.secretKey)
        }
        #expect(error?.code == .invalidKey)
        #expect(error?.description == "invalidKey: 'public key': does not belong to the secret key")
    }

    /// Wrong length, characters outside Z85 (space, '~', quote, comma), and a 5-character group
    /// above 2^32 ('#' is the largest digit), which is 40 Z85 characters but no 32-byte key.
    @Test(arguments: [
        ("", "expected 40 characters of the Z85 alphabet, got 0 characters"),
        (String(repeating: "a", count: 39), "got 39 characters"),
        (String(repeating: "a", count: 41), "got 41 characters"),
        (String(repeating: "a", count: 39) + " ", "character 40 is not in the Z85 alphabet"),
        ("~" + String(repeating: "a", count: 39), "character 1 is not in the Z85 alphabet"),
        (String(repeating: "a", count: 20) + "\"" + String(repeating: "a", count: 19), "character 21"),
        (String(repeating: "a", count: 9) + "," + String(repeating: "a", count: 30), "character 10"),
        (String(repeating: "#", count: 40), "not a valid Z85 encoding of a 32-byte key"),
    ])
    func invalidKeysAreClearErrors(_ key: String, _ expected: String) {
        let error = #expect(throws: MessagingError.self) {
            try CurveKeyPair.validate(key: key, role: "server public key")
        }
        #expect(error?.code == .invalidKey)
        #expect(error?.subject == "server public key")
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")

        let derive = #expect(throws: MessagingError.self) { try CurveKeyPair.derivePublic(fromSecret: key) }
        #expect(derive?.code == .invalidKey)
        #expect(derive?.subject == "secret key")
        if !key.isEmpty { #expect(derive?.description.contains(key) == false, "secret keys are never quoted") }
    }

    @Test func validKeysPass() throws {
        let pair = try CurveKeyPair.generate()
        try CurveKeyPair.validate(key: pair.publicKey, role: "public key")
        try CurveKeyPair.validate(key: pair.secretKey, role: "secret key")
        #expect(CurveKeyPair.isAvailable)
    }
}
