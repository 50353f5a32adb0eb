import Messaging
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct RouterDealerTests {
    @Test func routerRoutesRepliesByIdentityFrameOverTCP() throws {
        let context = try MessageContext()
        let router = try Socket(.router, in: context)
        try router.setRouterMandatory(true)
        try router.bind(Endpoint("tcp://127.0.0.1:*"))
        let endpoint = try #require(try router.lastEndpoint)

        let names = ["worker-a", "worker-b"]
        var dealers: [String: Socket] = [:]
        for name in names {
            let dealer = try Socket(.dealer, in: context)
            try dealer.setRoutingID(bytes(name))
            try dealer.connect(endpoint)
            try dealer.send([bytes("ready"), bytes(name)])
            dealers[name] = dealer
        }

        // The ROUTER prepends the sender's identity frame to each message it receives.
        for _ in names {
            let message = try #require(try router.receive(within: arrival))
            #expect(message.count == 3)
            #expect(message[1] == bytes("ready"))
            #expect(message[0] == message[2], "identity frame is the dealer's routing id")
            try router.send([message[0], bytes("job for \(String(decoding: message[0], as: UTF8.self))")])
        }

        // ... and routes each reply by its leading identity frame, which it strips.
        for name in names {
            let reply = try #require(try dealers[name]?.receive(within: arrival))
            #expect(reply == [bytes("job for \(name)")])
        }
    }

    @Test func mandatoryRouterRejectsUnknownIdentity() throws {
        let context = try MessageContext()
        let router = try Socket(.router, in: context)
        try router.setRouterMandatory(true)
        try router.bind(Endpoint("tcp://127.0.0.1:*"))

        let error = #expect(throws: MessagingError.self) {
            try router.send([bytes("nobody"), bytes("hello")])
        }
        #expect(error?.code == .sendFailed)
        #expect(error?.errorNumber == EHOSTUNREACH)
    }
}
