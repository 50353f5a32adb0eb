import Messaging
import Testing

/// The handler's side of RFC 27, driven directly by a REQ socket playing ZeroMQ's part.
@Suite struct ZAPHandlerTests {
    let context: MessageContext
    let allowed: CurveKeyPair

    init() throws {
        context = try MessageContext()
        allowed = try CurveKeyPair.generate()
    }

    /// Sends `frames` as a ZAP request and returns the handler's reply.
    private func ask(_ zap: ZAPHandler, _ frames: [[UInt8]]) throws -> [[UInt8]]? {
        let requester = try Socket(.req, in: context)
        try requester.connect(ZAPHandler.endpoint)
        try requester.send(frames)
        #expect(try Poller([zap.socket]).readable(within: arrival) == [0])
        #expect(try zap.handlePending() == 1)
        return try requester.receive(within: arrival)
    }

    private func curveRequest(id: String = "7", key: [UInt8]) -> [[UInt8]] {
        [bytes("1.0"), bytes(id), bytes("global"), bytes("10.0.0.7"), [], bytes("CURVE"), key]
    }

    /// The 32 bytes of a Z85 key, decoded by hand (Z85: groups of 5 characters, base 85, big-endian).
    private func binary(_ z85: String) -> [UInt8] {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
        let characters = Array(z85)
        var out: [UInt8] = []
        for group in stride(from: 0, to: characters.count, by: 5) {
            var value: UInt32 = 0
            for character in characters[group..<group + 5] {
                value = value &* 85 &+ UInt32(alphabet.firstIndex(of: character)!)
            }
            out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
        }
        return out
    }

    @Test func anAllowedKeyGets200WithTheKeyAsUserID() throws {
        let zap = try ZAPHandler(context: context, allowedClientKeys: [allowed.publicKey])
        let reply = try ask(zap, curveRequest(id: "42", key: binary(allowed.publicKey)))
        #expect(reply == [bytes("1.0"), bytes("42"), bytes("200"), bytes("OK"), bytes(allowed.publicKey), []])
    }

    @Test func anUnknownKeyGets400AndIsRecordedOnce() throws {
        let zap = try ZAPHandler(context: context, allowedClientKeys: [allowed.publicKey])
        let stranger = try CurveKeyPair.generate()
        for id in ["1", "2"] {
            let reply = try ask(zap, curveRequest(id: id, key: binary(stranger.publicKey)))
            #expect(reply == [bytes("1.0"), bytes(id), bytes("400"), bytes("client key not allowed"), [], []])
        }
        #expect(zap.rejectedKeys == [stranger.publicKey])
    }

    @Test func allowAndRevokeChangeTheNextAnswer() throws {
        let zap = try ZAPHandler(context: context)
        #expect(try ask(zap, curveRequest(key: binary(allowed.publicKey)))?[2] == bytes("400"))
        try zap.allow(clientKey: allowed.publicKey)
        #expect(zap.allowedClientKeys == [allowed.publicKey])
        #expect(try ask(zap, curveRequest(key: binary(allowed.publicKey)))?[2] == bytes("200"))
        try zap.revoke(clientKey: allowed.publicKey)
        #expect(try ask(zap, curveRequest(key: binary(allowed.publicKey)))?[2] == bytes("400"))
    }

    @Test func otherMechanismsAndMalformedRequests() throws {
        let zap = try ZAPHandler(context: context, allowedClientKeys: [allowed.publicKey])
        let plain = [bytes("1.0"), bytes("3"), [], bytes("10.0.0.7"), [], bytes("PLAIN"), bytes("user"), bytes("pw")]
        #expect(try ask(zap, plain) == [bytes("1.0"), bytes("3"), bytes("400"), bytes("mechanism PLAIN not supported"), [], []])

        let null = [bytes("1.0"), bytes("4"), bytes("global"), bytes("10.0.0.7"), [], bytes("NULL")]
        #expect(try ask(zap, null)?[2] == bytes("400"))

        let shortKey = curveRequest(id: "5", key: [1, 2, 3])
        #expect(try ask(zap, shortKey)?[2...3] == [bytes("400"), bytes("malformed CURVE credentials")])

        var future = curveRequest(id: "6", key: binary(allowed.publicKey))
        future[0] = bytes("2.0")
        #expect(try ask(zap, future) == [bytes("1.0"), bytes("6"), bytes("500"), bytes("unsupported ZAP version"), [], []])

        let truncated = [bytes("1.0"), bytes("8"), bytes("global")]
        #expect(try ask(zap, truncated)?[1...2] == [bytes("8"), bytes("500")])

        // Oversized requests are drained and still answered, so the REP socket keeps working.
        let huge = Array(repeating: [UInt8](repeating: 0, count: 8), count: 40)
        #expect(try ask(zap, huge)?[2] == bytes("500"))
        #expect(try ask(zap, curveRequest(key: binary(allowed.publicKey)))?[2] == bytes("200"))
        #expect(zap.rejectedKeys == [])
    }

    @Test func handlePendingAnswersEverythingWaitingWithoutBlocking() throws {
        let zap = try ZAPHandler(context: context, allowedClientKeys: [allowed.publicKey])
        #expect(try zap.handlePending() == 0)

        let requesters = try (0..<3).map { _ in try Socket(.req, in: context) }
        for (index, requester) in requesters.enumerated() {
            try requester.connect(ZAPHandler.endpoint)
            try requester.send(curveRequest(id: "\(index)", key: binary(allowed.publicKey)))
        }
        var answered = 0
        let clock = ContinuousClock(), deadline = clock.now + arrival
        while answered < 3 && clock.now < deadline {
            _ = try Poller([zap.socket]).readable(within: .milliseconds(50))
            answered += try zap.handlePending()
        }
        #expect(answered == 3)
        for (index, requester) in requesters.enumerated() {
            #expect(try requester.receive(within: arrival)?[1] == bytes("\(index)"))
        }
    }

    @Test func oneHandlerPerContextAndValidatedKeys() throws {
        let zap = try ZAPHandler(context: context)
        let second = #expect(throws: MessagingError.self) { try ZAPHandler(context: context) }
        #expect(second?.code == .bindFailed)
        #expect(second?.description.contains("inproc://zeromq.zap.01") == true)
        withExtendedLifetime(zap) {}

        let badKey = #expect(throws: MessagingError.self) {
            try ZAPHandler(context: MessageContext(), allowedClientKeys: [allowed.publicKey, "nope"])
        }
        #expect(badKey?.code == .invalidKey)
        #expect(badKey?.subject == "allowed client key #2")
    }
}
