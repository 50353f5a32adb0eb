import TestSupport
import Foundation
import Messaging
import Testing

/// The coordinator's port faces the network: unknown keys, garbage and oversized frames must
/// neither crash it nor get anything in.
@Suite(.serialized) struct HostileNetworkTests {
    @Test func aWorkerWithAnUnknownCurveKeyGetsNoJob() throws {
        let fixture = try DistributedFixture()
        let keys = fixture.directory.file("keys")
        for name in ["coordinator", "trusted", "stranger"] {
            #expect(try PipelineBinary.run(["keygen", "--out", keys, "--name", name]).status == 0)
        }
        let coordinator = try RunningProcess(["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("curve"),
                                              "--bind", "tcp://127.0.0.1:*", "--worker-timeout", "2",
                                              "--curve-key", "\(keys)/coordinator.key", "--allow", "\(keys)/trusted.pub"],
                                             logsIn: fixture.directory, name: "curve-coordinator")
        let endpoint = try #require(coordinator.listeningEndpoint())
        func worker(_ name: String) throws -> RunningProcess {
            try RunningProcess(["worker", "--connect", endpoint, "--name", name, "--give-up", "20",
                                "--server-key", "\(keys)/coordinator.pub", "--key", "\(keys)/\(name).key"],
                               environment: ["PIPELINE_FAULT_DELAY_MS": "30"], logsIn: fixture.directory, name: name)
        }
        let stranger = try worker("stranger")
        #expect(RunningProcess.waitUntil(seconds: 20) { coordinator.errors.contains("refused CURVE client key") }, "\(coordinator.errors)")
        let trusted = try worker("trusted")
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("curve") == fixture.reference)
        #expect(!coordinator.errors.contains("joined: stranger"))
        #expect(coordinator.errors.contains("joined: trusted"))
        [stranger, trusted].forEach { $0.signal(SIGKILL) }
    }

    @Test func garbageAndOversizedFramesDoNotHurtTheCoordinator() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("fuzzed")
        let endpoint = try #require(coordinator.listeningEndpoint())
        let context = try MessageContext()
        let attacker = try Socket(.dealer, in: context)
        try attacker.setLinger(.immediate)
        try attacker.connect(Endpoint(endpoint))
        var generator = SystemRandomNumberGenerator()
        func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        // Random frames, valid magic with nonsense after it, absurd sizes, too many frames, a
        // result for a tile nobody was given, and one huge message.
        let magic = Array("UNPW".utf8)
        var hostile: [[[UInt8]]] = (0..<200).map { _ in (0..<Int.random(in: 1...3, using: &generator)).map { _ in randomBytes(Int.random(in: 0...64, using: &generator)) } }
        hostile += (0..<200).map { _ in [magic + [1, UInt8.random(in: 0...12, using: &generator)] + randomBytes(Int.random(in: 0...40, using: &generator))] }
        hostile.append([magic + [1, 5] + [UInt8](repeating: 0xFF, count: 28), [1, 2, 3]])
        hostile.append((0..<20).map { _ in magic })
        hostile.append([magic + [9, 1]])
        hostile.append([magic + [1, 5], [UInt8](repeating: 7, count: 80 << 20)])
        for frames in hostile { try attacker.send(frames) }
        // Raw bytes that are not ZMTP at all.
        try sendRawTCP(to: endpoint, bytes: randomBytes(4096))

        let worker = try fixture.worker(endpoint, name: "honest")
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("fuzzed") == fixture.reference)
        #expect(coordinator.errors.contains("dropped"), "malformed messages are logged")
        worker.signal(SIGKILL)
    }

    private func sendRawTCP(to endpoint: String, bytes: [UInt8]) throws {
        guard let port = endpoint.split(separator: ":").last.flatMap({ UInt16($0) }) else { return }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, bytes.count) }
    }
}
