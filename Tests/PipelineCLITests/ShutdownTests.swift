import TestSupport
import Foundation
import Testing

/// SIGTERM and SIGINT: coordinators and runs stop dispatching, keep their journal and exit
/// non-zero saying that --resume continues; workers finish or hand back their tile and say BYE;
/// a second signal exits at once. Nothing committed is lost: the resumed output is byte-identical.
@Suite(.serialized) struct ShutdownTests {
    /// The last line of standard error, where the stopped command says what to do.
    private func lastLine(_ text: String) -> String { text.split(separator: "\n").last.map(String.init) ?? "" }

    @Test func aCoordinatorStoppedBySIGTERMResumesToTheSameBytes() throws {
        let fixture = try DistributedFixture()
        let first = try fixture.coordinator("stopped")
        let endpoint = try #require(first.listeningEndpoint())
        let workers = try (0..<2).map { try fixture.worker(endpoint, name: "w\($0)", delayMilliseconds: 100) }
        #expect(RunningProcess.waitUntil(seconds: 60) { fixture.committedTiles("stopped").count >= 16 })
        first.signal(SIGTERM)
        #expect(first.wait(seconds: 10) == 143, "\(first.errors)")
        let line = lastLine(first.errors)
        #expect(line.contains("stopped by SIGTERM") && line.contains("run the same command with --resume to continue"), "\(first.errors)")
        let committed = fixture.committedTiles("stopped")
        #expect(committed.count >= 16 && committed.count < 64)

        // Workers stopped the same way leave cleanly and say how many jobs they got.
        for worker in workers {
            worker.signal(SIGTERM)
            #expect(worker.wait(seconds: 10) == 0, "\(worker.errors)")
            #expect(DistributedFixture.jobsReceived(by: worker) != nil, "\(worker.errors)")
        }

        let second = try fixture.coordinator("stopped", extra: ["--resume"], logName: "coordinator-stopped-2")
        let endpoint2 = try #require(second.listeningEndpoint(), "\(second.errors)")
        let fresh = try (0..<2).map { try fixture.worker(endpoint2, name: "fresh\($0)") }
        #expect(second.wait(seconds: 120) == 0, "\(second.errors)")
        #expect(try fixture.output("stopped") == fixture.reference)
        let report = try fixture.report("stopped")
        let dispatched = report["tilesDispatched"] as? [Int] ?? []
        #expect(report["tilesResumed"] as? Int ?? 0 >= committed.count)
        #expect(!dispatched.isEmpty && dispatched.count < 64, "the resumed run predicted \(dispatched.count) of 64 tiles")
        #expect(Set(dispatched).isDisjoint(with: committed))
        fresh.forEach { $0.signal(SIGKILL) }
    }

    @Test func aStoppedWorkerFinishesItsTileHandsBackTheRestAndSaysBye() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("handback")
        let endpoint = try #require(coordinator.listeningEndpoint())
        // Credit 2: one tile running (3 s), one waiting behind it.
        let slow = try fixture.worker(endpoint, name: "slow", delayMilliseconds: 3000)
        #expect(RunningProcess.waitUntil(seconds: 30) { slow.errors.contains("loaded") })
        usleep(1_000_000)
        slow.signal(SIGTERM)
        #expect(slow.wait(seconds: 10) == 0, "\(slow.errors)")
        #expect(slow.errors.contains("stopping on SIGTERM"), "\(slow.errors)")
        // It finished tile 0; tile 1 (and any sent while its BYE was on the way) went back.
        #expect(slow.errors.contains(" jobs received, 1 tiles"), "\(slow.errors)")
        #expect(DistributedFixture.jobsReceived(by: slow) ?? 0 >= 2, "\(slow.errors)")
        #expect(RunningProcess.waitUntil(seconds: 10) { coordinator.errors.contains("left: stopping on SIGTERM; tile(s) 1") },
                "\(coordinator.errors)")
        let steady = try fixture.worker(endpoint, name: "steady")
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("handback") == fixture.reference)
        // Handing back is not a failure: no attempt counted against the tile.
        #expect(try fixture.report("handback")["attemptsFailed"] as? Int == 0)
        steady.signal(SIGKILL)
    }

    @Test func aSecondSignalExitsAtOnce() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("second")
        let endpoint = try #require(coordinator.listeningEndpoint())
        // Tile 0 (the first handed out) never finishes: the first SIGTERM waits for it in vain.
        let stuck = try fixture.worker(endpoint, name: "stuck", environment: ["PIPELINE_FAULT_HANG_TILE": "0"])
        #expect(RunningProcess.waitUntil(seconds: 30) { stuck.errors.contains("loaded") })
        usleep(1_000_000)
        stuck.signal(SIGTERM)
        #expect(RunningProcess.waitUntil(seconds: 10) { stuck.errors.contains("stopping on SIGTERM") }, "\(stuck.errors)")
        #expect(stuck.wait(seconds: 1.5) == nil, "a worker finishing its tile must not exit on the first signal")
        stuck.signal(SIGTERM)
        #expect(stuck.wait(seconds: 3) == 143, "\(stuck.errors)")
        #expect(stuck.errors.contains("received again: exiting at once"), "\(stuck.errors)")
        coordinator.signal(SIGKILL)
    }

    @Test func runStopsItsLocalWorkersAtOnceAndResumes() throws {
        let fixture = try DistributedFixture()
        let out = fixture.directory.file("local")
        let run = try RunningProcess(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "2"],
                                     environment: ["PIPELINE_FAULT_DELAY_MS": "100"], logsIn: fixture.directory, name: "local")
        #expect(RunningProcess.waitUntil(seconds: 60) { fixture.committedTiles("local").count >= 10 })
        // The run's one child forks the workers (`pipeline spawn-workers`).
        let spawner = childProcesses(of: run.process.processIdentifier)
        let workers = spawner.flatMap(childProcesses)
        #expect(spawner.count == 1 && workers.count == 2, "spawner \(spawner), local workers: \(workers)")
        run.signal(SIGTERM)
        #expect(run.wait(seconds: 10) == 143, "\(run.errors)")
        #expect(lastLine(run.errors).contains("--resume to continue"), "\(run.errors)")
        for pid in spawner + workers { #expect(!isAlive(pid), "local worker or spawner \(pid) still runs after the run stopped") }
        let committed = fixture.committedTiles("local")

        let resumed = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "2", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(try fixture.output("local") == fixture.reference)
        let report = try fixture.report("local")
        #expect(report["tilesResumed"] as? Int ?? 0 >= committed.count)
        #expect((report["tilesDispatched"] as? [Int] ?? []).count < 64)
    }

    @Test func aKilledRunTakesItsLocalWorkersDownWithinSeconds() throws {
        let fixture = try DistributedFixture()
        let run = try RunningProcess(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("killed"), "--workers", "2"],
                                     environment: ["PIPELINE_FAULT_DELAY_MS": "100"], logsIn: fixture.directory, name: "killed")
        #expect(RunningProcess.waitUntil(seconds: 60) { fixture.committedTiles("killed").count >= 5 })
        let spawner = childProcesses(of: run.process.processIdentifier)
        let workers = spawner.flatMap(childProcesses)
        #expect(workers.count == 2, "local workers: \(workers)")
        run.signal(SIGKILL)
        run.wait(seconds: 10)
        // The spawner sees its input end and stops them: long before the workers' 30 s give-up.
        #expect(RunningProcess.waitUntil(seconds: 5) { !(spawner + workers).contains(where: isAlive) }, "still running: \((spawner + workers).filter(isAlive))")
    }

    @Test func anInProcessRunStoppedBySIGINTResumes() throws {
        let fixture = try DistributedFixture()
        let out = fixture.directory.file("inprocess")
        let run = try RunningProcess(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "0"],
                                     environment: ["PIPELINE_FAULT_DELAY_MS": "60"], logsIn: fixture.directory, name: "inprocess")
        #expect(RunningProcess.waitUntil(seconds: 60) { fixture.committedTiles("inprocess").count >= 10 })
        run.signal(SIGINT)
        #expect(run.wait(seconds: 10) == 130, "\(run.errors)")
        #expect(lastLine(run.errors).contains("stopped by SIGINT") && run.errors.contains("--resume to continue"), "\(run.errors)")
        let committed = fixture.committedTiles("inprocess")
        #expect(committed.count >= 10 && committed.count < 64)

        let resumed = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "0", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(try fixture.output("inprocess") == fixture.reference)
        let resumedTiles = try fixture.report("inprocess")["tilesResumed"] as? Int ?? 0
        #expect(resumedTiles >= committed.count && resumedTiles < 64, "resumed \(resumedTiles) of 64 tiles")
    }

    private func childProcesses(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return children.split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// Running, not a zombie awaiting its parent.
    private func isAlive(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !(status.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }
}
