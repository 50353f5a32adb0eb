import Messaging
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Waiting bound for messages that should arrive promptly; generous so a loaded CI box passes.
let arrival = Duration.seconds(5)

@Suite struct SocketTests {
    @Test func pairRoundTripOverInprocKeepsEmptyFrames() throws {
        let context = try MessageContext()
        let endpoint = try Endpoint("inproc://pair-round-trip")
        let left = try Socket(.pair, in: context)
        try left.bind(endpoint)
        let right = try Socket(.pair, in: context)
        try right.connect(endpoint)

        let message: [[UInt8]] = [bytes("header"), [], [0, 1, 2, 255], bytes("tail")]
        try left.send(message)
        #expect(try right.receive(within: arrival) == message)

        try right.send([[]])
        #expect(try left.receive(within: arrival) == [[]])
    }

    @Test func receiveTimeoutReturnsNil() throws {
        let context = try MessageContext()
        let socket = try Socket(.pull, in: context)
        try socket.bind(Endpoint("inproc://nobody-sends"))
        try socket.setReceiveTimeout(.after(.milliseconds(20)))

        #expect(try socket.receive() == nil)
        #expect(try socket.receive(within: .zero) == nil)
        #expect(try socket.receive(within: .milliseconds(20)) == nil)
    }

    @Test func lastEndpointIsNilBeforeBindAndResolvesTheWildcardPort() throws {
        let context = try MessageContext()
        let socket = try Socket(.pull, in: context)
        #expect(try socket.lastEndpoint == nil)
        try socket.bind(Endpoint("tcp://127.0.0.1:*"))
        let port = try #require(try socket.lastEndpoint?.tcpPort)
        #expect(port > 0)
    }

    @Test func bindingAnAddressInUseNamesZmqBindAndTheEndpoint() throws {
        let context = try MessageContext()
        let first = try Socket(.router, in: context)
        try first.bind(Endpoint("tcp://127.0.0.1:*"))
        let taken = try #require(try first.lastEndpoint)

        let second = try Socket(.router, in: context)
        let error = #expect(throws: MessagingError.self) { try second.bind(taken) }
        #expect(error?.code == .bindFailed)
        #expect(error?.function == "zmq_bind")
        #expect(error?.errorNumber == EADDRINUSE)
        #expect(error?.description.contains("zmq_bind(\(taken))") == true)
    }

    @Test func tooManyFramesIsAClearErrorAndTheMessageIsDrained() throws {
        let context = try MessageContext()
        let endpoint = try Endpoint("inproc://frame-cap")
        let sender = try Socket(.pair, in: context)
        try sender.bind(endpoint)
        let receiver = try Socket(.pair, in: context)
        try receiver.connect(endpoint)
        let limits = ReceiveLimits(maxFrames: 3, maxTotalBytes: 1 << 20)

        try sender.send([[1], [2], [3], [4], [5]])
        try sender.send([bytes("next")])

        let error = #expect(throws: MessagingError.self) {
            try receiver.receive(within: arrival, limits: limits)
        }
        #expect(error?.code == .tooManyFrames)
        #expect(error?.description.contains("5 frames; the limit is 3") == true)
        // The oversized message was drained, so the next receive starts at the next message.
        #expect(try receiver.receive(within: arrival, limits: limits) == [bytes("next")])
    }

    @Test func byteCapExceededIsAClearError() throws {
        let context = try MessageContext()
        let endpoint = try Endpoint("inproc://byte-cap")
        let sender = try Socket(.pair, in: context)
        try sender.bind(endpoint)
        let receiver = try Socket(.pair, in: context)
        try receiver.connect(endpoint)

        try sender.send([[UInt8](repeating: 7, count: 600), [UInt8](repeating: 8, count: 600)])
        let error = #expect(throws: MessagingError.self) {
            try receiver.receive(within: arrival, limits: ReceiveLimits(maxFrames: 8, maxTotalBytes: 1000))
        }
        #expect(error?.code == .messageTooLarge)
        #expect(error?.description.contains("1200 bytes") == true)
    }

    @Test func typedOptionsAreAccepted() throws {
        let context = try MessageContext()
        let socket = try Socket(.dealer, in: context)
        try socket.setLinger(.after(.milliseconds(100)))
        try socket.setSendTimeout(.infinite)
        try socket.setMaxMessageSize(1 << 20)
        try socket.setHeartbeatInterval(.seconds(1))
        try socket.setHeartbeatTimeout(.seconds(3))
        try socket.setHeartbeatTTL(.seconds(10))
        try socket.setRoutingID(bytes("worker"))
    }
}
