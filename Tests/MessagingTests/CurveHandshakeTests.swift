import Messaging
import Testing

@Suite struct CurveHandshakeTests {
    @Test func anAllowedClientTalksToTheServer() throws {
        let clientKeys = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [clientKeys.publicKey])
        let client = try server.client(keys: clientKeys)

        try client.send([bytes("hello")])
        let message = try #require(try server.receive(within: arrival))
        #expect(message.count == 2 && message[1] == bytes("hello"))

        try server.router.send([message[0], bytes("welcome")])
        #expect(try client.receive(within: arrival) == [bytes("welcome")])
        #expect(server.zap?.rejectedKeys == [])
    }

    @Test func anUnknownClientKeyIsRefusedAndRecorded() throws {
        let known = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [known.publicKey])
        let zap = try #require(server.zap)
        var refusals: [ZAPRefusal] = []
        zap.onRefusal = { refusals.append($0) }

        let client = try server.client(keys: stranger)
        try client.send([bytes("let me in")])

        #expect(try server.receive(within: refusalWindow) == nil)
        #expect(zap.rejectedKeys == [stranger.publicKey])
        let refusal = try #require(refusals.first)
        #expect(refusal.mechanism == "CURVE" && refusal.clientKey == stranger.publicKey)
        #expect(refusal.address == "127.0.0.1")
        #expect(refusal.description == "refused CURVE client key \(stranger.publicKey) from 127.0.0.1: client key not allowed")
    }

    @Test func aClientWithTheWrongServerKeyNeverConnects() throws {
        let clientKeys = try CurveKeyPair.generate(), impostor = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [clientKeys.publicKey])
        let client = try server.client(keys: clientKeys, serverPublicKey: impostor.publicKey)
        try client.send([bytes("hello")])

        #expect(try server.receive(within: refusalWindow) == nil)
        // The handshake fails before authentication, so the handler is never asked.
        #expect(server.zap?.rejectedKeys == [])
    }

    @Test func withoutAZAPHandlerEveryClientIsRefused() throws {
        let clientKeys = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [], withZAP: false)
        let client = try server.client(keys: clientKeys)
        try client.send([bytes("hello")])
        #expect(try server.receive(within: refusalWindow) == nil)
    }

    @Test(arguments: [false, true])
    func unauthenticatedClientsNeedExplicitPermission(allowed: Bool) throws {
        let context = try MessageContext()
        let zap = try ZAPHandler(context: context, allowUnauthenticated: allowed)
        var refusals: [ZAPRefusal] = []
        zap.onRefusal = { refusals.append($0) }
        let pull = try Socket(.pull, in: context)
        try pull.setZAPDomain("global")
        try pull.bind(Endpoint("tcp://127.0.0.1:*"))
        let push = try Socket(.push, in: context)
        try push.connect(#require(try pull.lastEndpoint))
        try push.send([bytes("plain")])

        let received = try serve(pull, zap: zap, within: allowed ? arrival : refusalWindow)
        #expect(received == (allowed ? [bytes("plain")] : nil))
        #expect(refusals.map(\.mechanism) == (allowed ? [] : ["NULL"]))
        #expect(zap.rejectedKeys == [])
    }

    @Test func curveOptionsAfterBindAreAnError() throws {
        let context = try MessageContext()
        let socket = try Socket(.router, in: context)
        try socket.bind(Endpoint("inproc://already-bound"))
        let error = #expect(throws: MessagingError.self) {
            try socket.makeCurveServer(keys: CurveKeyPair.generate())
        }
        #expect(error?.code == .optionFailed)
        #expect(error?.description.contains("must be set before bind or connect") == true)
    }

    @Test func aMalformedServerKeyIsNamed() throws {
        let context = try MessageContext()
        let socket = try Socket(.dealer, in: context)
        let error = #expect(throws: MessagingError.self) {
            try socket.makeCurveClient(keys: CurveKeyPair.generate(), serverPublicKey: "not a key")
        }
        #expect(error?.code == .invalidKey)
        #expect(error?.subject == "server public key")
    }
}
