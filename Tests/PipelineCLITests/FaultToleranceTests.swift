import TestSupport
import Foundation
import Testing

/// Multi-process drills on loopback: workers killed, stopped and poisoned, the coordinator killed
/// and resumed. In every case the output must be byte-identical to a fault-free run's.
@Suite(.serialized) struct FaultToleranceTests {
    @Test func killingRandomWorkersChangesNoByte() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("chaos")
        let endpoint = try #require(coordinator.listeningEndpoint())
        var names = (0..<3).map { "w\($0)" }
        var workers = try names.map { try fixture.worker(endpoint, name: $0, delayMilliseconds: 40) }
        // Seeded: the same victims every run (the moments still depend on the machine's speed).
        var generator = SeededGenerator(seed: 2024)
        var kills = 0
        while coordinator.isRunning && kills < 4 {
            usleep(400_000)
            let victim = Int.random(in: 0..<workers.count, using: &generator)
            // Only a worker that joined holds jobs (credit 2, 40 ms a tile): killing it fails them.
            _ = RunningProcess.waitUntil(seconds: 30) { coordinator.errors.contains("joined: \(names[victim])") || !coordinator.isRunning }
            workers[victim].signal(SIGKILL)
            kills += 1
            names[victim] = "replacement\(kills)"
            workers[victim] = try fixture.worker(endpoint, name: names[victim], delayMilliseconds: 40)
        }
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("chaos") == fixture.reference)
        // A killed worker held jobs (credit 2, 40 ms a tile): they failed and were retried.
        #expect(try fixture.report("chaos")["attemptsFailed"] as? Int ?? 0 > 0)
        workers.forEach { $0.signal(SIGKILL) }
    }

    @Test func aStoppedWorkerLosesItsLeaseAndItsLateResultIsRejected() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("stopped")
        let endpoint = try #require(coordinator.listeningEndpoint())
        let sleeper = try fixture.worker(endpoint, name: "sleeper", delayMilliseconds: 300)
        #expect(RunningProcess.waitUntil(seconds: 30) { coordinator.errors.contains("joined: sleeper") })
        usleep(500_000)
        sleeper.signal(SIGSTOP)
        let steady = try fixture.worker(endpoint, name: "steady", delayMilliseconds: 60)
        // Once the sleeper timed out and its job went elsewhere, let it finish that job late.
        #expect(RunningProcess.waitUntil(seconds: 30) { coordinator.errors.contains("timed out") })
        sleeper.signal(SIGCONT)
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("stopped") == fixture.reference)
        #expect(coordinator.errors.contains("is stale") || coordinator.errors.contains("not running"), "\(coordinator.errors)")
        #expect((try fixture.report("stopped")["resultsRejected"] as? Int ?? 0) >= 1)
        [sleeper, steady].forEach { $0.signal(SIGKILL) }
    }

    @Test func aPoisonTileIsQuarantinedAndEverythingElseIsWritten() throws {
        let fixture = try DistributedFixture()
        let run = try RunningProcess(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("poison"), "--workers", "2"],
                                     environment: ["PIPELINE_FAULT_CRASH_TILE": "27", "PIPELINE_WORKER_TIMEOUT_SECONDS": "2"],
                                     logsIn: fixture.directory, name: "poison")
        let status = run.wait(seconds: 180)
        #expect(status != nil && status != 0)
        #expect(run.errors.contains("1 tile(s) quarantined") && run.errors.contains("tile 27 (row 3, col 3)"), "\(run.errors)")
        // Two local workers and three crashes: the pool replaced at least one of them.
        #expect(run.errors.contains("died (signal 6); starting another"), "\(run.errors)")
        let report = try fixture.report("poison")
        let quarantined = report["quarantinedTiles"] as? [[String: Any]]
        #expect(quarantined?.map { $0["tile"] as? Int } == [27])
        #expect((quarantined?.first?["reasons"] as? [String])?.count == 3)
        let counts = report["run"] as? [String: Any]
        #expect(counts?["tilesCommitted"] as? Int == 63)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("poison/probabilities.tif")))
    }

    @Test func aKilledCoordinatorResumesWithoutRedoingCommittedTiles() throws {
        let fixture = try DistributedFixture()
        let first = try fixture.coordinator("resumed")
        let endpoint = try #require(first.listeningEndpoint())
        let slow = try (0..<2).map { try fixture.worker(endpoint, name: "slow\($0)", delayMilliseconds: 100) }
        let log = fixture.directory.file("resumed/.journal/committed.log")
        #expect(RunningProcess.waitUntil(seconds: 60) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 20 })
        first.signal(SIGKILL)
        first.wait(seconds: 10)
        slow.forEach { $0.signal(SIGKILL) }
        let committed = Set(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { Int($0) })
        #expect(committed.count >= 20 && committed.count < 64)

        let second = try fixture.coordinator("resumed", extra: ["--resume"])
        let endpoint2 = try #require(second.listeningEndpoint(), "\(second.output) \(second.errors)")
        // Slow enough (44 tiles x 300 ms) that both join before the resumed run ends, even when the
        // second one's start-up is slow: each must see the BYE and print its own count.
        let fresh = try (0..<2).map { try fixture.worker(endpoint2, name: "fresh\($0)", delayMilliseconds: 300) }
        #expect(second.wait(seconds: 120) == 0, "\(second.errors)")
        // The workers' own count (printed when the coordinator's BYE ends them), not the journal's.
        for worker in fresh { #expect(worker.wait(seconds: 20) == 0, "\(worker.errors)") }
        let received = fresh.map { DistributedFixture.jobsReceived(by: $0) ?? -1 }
        #expect(received.allSatisfy { $0 >= 0 }, "\(fresh.map(\.errors))")
        #expect(received.reduce(0, +) <= 64 - committed.count, "workers received \(received) jobs; \(committed.count) of 64 tiles were committed before")
        #expect(try fixture.output("resumed") == fixture.reference)
        let report = try fixture.report("resumed")
        let dispatched = Set(report["tilesDispatched"] as? [Int] ?? [])
        #expect(dispatched.isDisjoint(with: committed), "redid committed tiles \(dispatched.intersection(committed).sorted())")
        #expect(received.reduce(0, +) == (report["tilesDispatched"] as? [Int] ?? []).count)
        #expect(report["tilesResumed"] as? Int ?? 0 >= committed.count)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("resumed/.journal")))
        fresh.forEach { $0.signal(SIGKILL) }
    }

    @Test func aWorkerThatHeartbeatsButNeverAnswersLosesItsLease() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("hung", lease: 3)
        let endpoint = try #require(coordinator.listeningEndpoint())
        // Alone at first, it is handed tiles 0 and 1; tile 0 never finishes (and 1 waits behind it),
        // but its main thread keeps heartbeating, so only the lease can catch it.
        let hung = try fixture.worker(endpoint, name: "hung", environment: ["PIPELINE_FAULT_HANG_TILE": "0"])
        #expect(RunningProcess.waitUntil(seconds: 30) { hung.errors.contains("loaded") })
        usleep(1_000_000)
        let steady = try fixture.worker(endpoint, name: "steady", delayMilliseconds: 20)
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("hung") == fixture.reference)
        #expect(coordinator.errors.contains("tile 0 attempt 1 failed: lease of worker"), "\(coordinator.errors)")
        #expect(!coordinator.errors.contains("timed out"), "the hung worker kept heartbeating: \(coordinator.errors)")
        #expect(try fixture.report("hung")["attemptsFailed"] as? Int ?? 0 >= 1)
        [hung, steady].forEach { $0.signal(SIGKILL) }
    }

    @Test func resumeWithoutAJournalIsAClearError() throws {
        let fixture = try DistributedFixture(size: 64)
        let run = try PipelineBinary.run(["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("none"),
                                          "--bind", "tcp://127.0.0.1:*", "--resume"])
        #expect(run.status != 0)
        #expect(run.errorOutput.contains("no journal to resume from"), "\(run.errorOutput)")
    }
}
