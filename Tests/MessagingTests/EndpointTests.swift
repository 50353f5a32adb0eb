import Messaging
import Testing

@Suite struct EndpointTests {
    @Test func parsesTheThreeTransports() throws {
        #expect(try Endpoint("tcp://127.0.0.1:5555").transport == .tcp(host: "127.0.0.1", port: .number(5555)))
        #expect(try Endpoint("tcp://*:5555").transport == .tcp(host: "*", port: .number(5555)))
        #expect(try Endpoint("tcp://127.0.0.1:*").transport == .tcp(host: "127.0.0.1", port: .ephemeral))
        #expect(try Endpoint("tcp://[::1]:80").transport == .tcp(host: "[::1]", port: .number(80)))
        #expect(try Endpoint("inproc://results").transport == .inproc(name: "results"))
        #expect(try Endpoint("ipc:///tmp/feed.sock").transport == .ipc(path: "/tmp/feed.sock"))
        #expect(try Endpoint("tcp://127.0.0.1:5555").tcpPort == 5555)
    }

    @Test(arguments: ["tcp://127.0.0.1:5555", "tcp://*:*", "tcp://[::1]:80", "inproc://a", "ipc:///tmp/x"])
    func descriptionRoundTrips(_ text: String) throws {
        #expect(try Endpoint(text).description == text)
    }

    @Test(arguments: [
        "", "127.0.0.1:5555", "tcp://", "tcp://127.0.0.1", "tcp://:5555", "tcp://host:",
        "tcp://host:70000", "tcp://host:0", "tcp://host:-1", "tcp://::1:5555", "tcp://[::1:5555",
        "tcp://a b:1", "udp://host:1", "inproc://",
    ])
    func rejectsInvalidStrings(_ text: String) {
        let error = #expect(throws: MessagingError.self) { try Endpoint(text) }
        #expect(error?.code == .invalidEndpoint)
        #expect(error?.subject == text)
        #expect(error?.description.contains("'\(text)'") == true)
    }
}
