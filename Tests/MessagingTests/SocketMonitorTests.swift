import Messaging
import Testing

/// The socket monitor is how a CURVE client learns that its handshake failed: without it a
/// refused client only ever sees silence.
@Suite struct SocketMonitorTests {
    /// Waits up to `timeout` for the first event of `kinds`, answering ZAP requests meanwhile.
    private func firstEvent(_ monitor: SocketMonitor, of kinds: SocketEvent.Kinds, server: CurveServer,
                            within timeout: Duration = .seconds(5)) throws -> SocketEvent? {
        let clock = ContinuousClock(), deadline = clock.now + timeout
        while clock.now < deadline {
            _ = try server.receive(within: .milliseconds(20))
            while let event = try monitor.next() {
                if !event.kind.isDisjoint(with: kinds) { return event }
            }
        }
        return nil
    }

    private func monitoredClient(_ server: CurveServer, keys: CurveKeyPair, serverKey: String? = nil) throws -> SocketMonitor {
        let dealer = try Socket(.dealer, in: server.context)
        try dealer.makeCurveClient(keys: keys, serverPublicKey: serverKey ?? server.keys.publicKey)
        let monitor = try SocketMonitor(dealer, watching: .all)
        try dealer.connect(server.endpoint)
        try dealer.send([bytes("hello")], dontWait: true)
        return monitor
    }

    @Test func anAllowedClientSeesItsHandshakeSucceed() throws {
        let keys = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [keys.publicKey])
        let monitor = try monitoredClient(server, keys: keys)
        let event = try #require(try firstEvent(monitor, of: SocketEvent.Kinds.handshakeFailures.union(.handshakeSucceeded), server: server))
        #expect(event.kind == .handshakeSucceeded)
        #expect(event.endpoint == server.endpoint.description)
    }

    @Test func aClientNotOnTheAllowListSeesAnAuthenticationFailure() throws {
        let known = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [known.publicKey])
        let monitor = try monitoredClient(server, keys: stranger)
        let event = try #require(try firstEvent(monitor, of: SocketEvent.Kinds.handshakeFailures.union(.handshakeSucceeded), server: server))
        #expect(event.kind == .handshakeFailedAuth)
        #expect(event.value == 400, "the ZAP handler's status code")
        #expect(event.isHandshakeFailure)
    }

    @Test func aClientWithTheWrongServerKeySeesItsHandshakeFail() throws {
        let keys = try CurveKeyPair.generate(), impostor = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [keys.publicKey])
        let monitor = try monitoredClient(server, keys: keys, serverKey: impostor.publicKey)
        let event = try #require(try firstEvent(monitor, of: SocketEvent.Kinds.handshakeFailures.union(.handshakeSucceeded), server: server))
        // The server cannot decrypt the client's HELLO and hangs up without a reason.
        #expect(event.kind == .handshakeFailedNoDetail || event.isCryptographicFailure, "\(event)")
    }

    @Test func eventsAreOnlyThoseAskedFor() throws {
        let keys = try CurveKeyPair.generate()
        let server = try CurveServer(allowing: [keys.publicKey])
        let dealer = try Socket(.dealer, in: server.context)
        try dealer.makeCurveClient(keys: keys, serverPublicKey: server.keys.publicKey)
        let monitor = try SocketMonitor(dealer, watching: .handshakeFailures)
        try dealer.connect(server.endpoint)
        try dealer.send([bytes("hello")])
        #expect(try server.receive(within: .seconds(5)) != nil)
        #expect(try monitor.pending().isEmpty, "connected and handshake-succeeded events were not asked for")
    }
}
