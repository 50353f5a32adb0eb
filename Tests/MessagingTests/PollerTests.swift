import Messaging
import Testing

@Suite struct PollerTests {
    @Test func reportsExactlyTheReadableSockets() throws {
        let context = try MessageContext()
        var senders: [Socket] = [], receivers: [Socket] = []
        for index in 0..<3 {
            let endpoint = try Endpoint("inproc://poller-\(index)")
            let receiver = try Socket(.pull, in: context)
            try receiver.bind(endpoint)
            let sender = try Socket(.push, in: context)
            try sender.connect(endpoint)
            receivers.append(receiver)
            senders.append(sender)
        }
        let poller = Poller(receivers)
        #expect(try poller.readable(within: .immediate) == [])
        #expect(try poller.readable(within: .milliseconds(20)) == [])

        try senders[2].send([bytes("c")])
        try senders[0].send([bytes("a")])
        #expect(try poller.readable(within: arrival) == [0, 2])
        #expect(try receivers[2].receive(within: .zero) == [bytes("c")])
        #expect(try poller.readable(within: .immediate) == [0])
    }

    @Test func anEmptyPollerReturnsAtOnce() throws {
        #expect(try Poller([]).readable(within: .infinite) == [])
    }
}
