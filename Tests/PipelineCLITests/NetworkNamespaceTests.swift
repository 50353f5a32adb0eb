import TestSupport
import Foundation
import Testing

/// Workers on their own network hosts: each in a network namespace of its own, reaching the
/// coordinator over a veth pair, as separate machines would. Needs root and iproute2.
@Suite(.serialized) struct NetworkNamespaceTests {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") else {
            return false
        }
        let probe = "pl-probe-\(getpid())"
        defer { _ = try? NetworkNamespaceTests.ip(["netns", "del", probe]) }
        return (try? NetworkNamespaceTests.ip(["netns", "add", probe])) == 0
    }()

    @discardableResult
    static func ip(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A namespace with a veth link to this host: host side `hostAddress`, inside `.2`.
    struct Host {
        let name: String
        let hostAddress: String

        init(index: Int) throws {
            name = "pl-w\(index)-\(getpid() % 10000)"
            let subnet = "10.231.\(100 + index)"
            hostAddress = "\(subnet).1"
            let outside = "plh\(index)-\(getpid() % 10000)", inside = "pln\(index)-\(getpid() % 10000)"
            for command in [["netns", "add", name], ["link", "add", outside, "type", "veth", "peer", "name", inside],
                            ["link", "set", inside, "netns", name], ["addr", "add", "\(hostAddress)/30", "dev", outside],
                            ["link", "set", outside, "up"], ["netns", "exec", name, "ip", "addr", "add", "\(subnet).2/30", "dev", inside],
                            ["netns", "exec", name, "ip", "link", "set", inside, "up"], ["netns", "exec", name, "ip", "link", "set", "lo", "up"]] {
                try #require(try NetworkNamespaceTests.ip(command) == 0, "ip \(command.joined(separator: " ")) failed")
            }
        }

        func remove() { _ = try? NetworkNamespaceTests.ip(["netns", "del", name]) }
    }

    @Test(.enabled(if: NetworkNamespaceTests.available, "skipped: needs root and iproute2 to create network namespaces"))
    func workersOnOtherHostsCompleteTheRun() throws {
        let fixture = try DistributedFixture()
        let hosts = try (0..<2).map { try Host(index: $0) }
        defer { hosts.forEach { $0.remove() } }
        // The coordinator listens on the host side of both links.
        let coordinator = try RunningProcess(["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("netns"),
                                              "--bind", "tcp://\(hosts[0].hostAddress):*", "--bind", "tcp://\(hosts[1].hostAddress):*",
                                              "--worker-timeout", "3"], logsIn: fixture.directory, name: "netns-coordinator")
        let listening = try #require(RunningProcess.waitUntil(seconds: 60) { coordinator.output.contains("listening on") } ? coordinator.output : nil)
        let endpoints = listening.components(separatedBy: "listening on ")[1].split(separator: "\n")[0].components(separatedBy: ", ")
        try #require(endpoints.count == 2)
        let workers = try zip(hosts, endpoints).map { host, endpoint in
            try RunningProcess(["/usr/sbin/ip", "netns", "exec", host.name, PipelineBinary.url.path, "worker", "--connect", endpoint,
                                "--name", host.name, "--give-up", "20"], logsIn: fixture.directory, name: host.name,
                               executable: "/usr/sbin/ip")
        }
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("netns") == fixture.reference)
        for host in hosts { #expect(coordinator.errors.contains("joined: \(host.name)"), "\(coordinator.errors)") }
        workers.forEach { $0.signal(SIGKILL) }
    }
}
