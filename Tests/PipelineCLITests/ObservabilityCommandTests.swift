import TestSupport
import Foundation
import Testing

/// Structured logs and the metrics endpoint of `run`, as an operator sees them: JSON lines with
/// the run's metadata, counters scraped during a real run, and a taken port refused at once.
@Suite(.serialized) struct ObservabilityCommandTests {
    let fixture: DistributedFixture

    init() throws { fixture = try DistributedFixture() }

    @Test func jsonLogLinesCarryRunSceneTileAttemptAndWorker() throws {
        let result = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("json"),
                                             "--workers", "1", "--log-format", "json", "--log-level", "debug"])
        #expect(result.status == 0, "\(result.errorOutput)")
        let lines = result.errorOutput.split(separator: "\n").map(String.init)
        let objects = try lines.map { line in
            try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON line: \(line)")
        }
        let coordinator = objects.filter { $0["component"] as? String == "coordinator" }
        let runIDs = Set(coordinator.compactMap { $0["run_id"] as? String })
        #expect(runIDs.count == 1 && runIDs.first?.count == 12)
        #expect(coordinator.allSatisfy { $0["scene"] as? String == "chaos" })
        let commits = coordinator.filter { ($0["message"] as? String)?.contains("committed") == true }
        let tiles = try #require((fixture.report("json")["run"] as? [String: Any])?["tilesCommitted"] as? Int)
        #expect(commits.count == tiles)
        #expect(commits.allSatisfy { $0["tile"] is Int && $0["attempt"] as? Int == 1 && $0["worker"] as? String == "local-1" })
        // The local worker got --log-format json too: its lines are objects naming it.
        let worker = objects.filter { $0["component"] as? String == "worker local-1" }
        #expect(worker.contains { ($0["message"] as? String)?.hasPrefix("model identity") == true })
        #expect(worker.filter { $0["tile"] is Int && $0["attempt"] is Int }.count == tiles)
        #expect(worker.allSatisfy { $0["worker"] as? String == "local-1" && $0["time"] is String && $0["level"] is String })
    }

    @Test func aScrapeDuringTheRunSeesCommittedTilesRiseToTheTileCount() throws {
        let run = try RunningProcess(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("scraped"),
                                      "--workers", "1", "--metrics-port", "0", "--metrics-linger", "20", "--log-format", "json"],
                                     environment: ["PIPELINE_FAULT_DELAY_MS": "60"], logsIn: fixture.directory, name: "scraped")
        var port: Int?
        #expect(RunningProcess.waitUntil(seconds: 60) {
            guard let range = run.errors.range(of: "\"metrics on http://0.0.0.0:") else { return false }
            port = Int(run.errors[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }, "\(run.errors)")
        let metricsPort = try #require(port)
        var seen: [Double] = []
        var tiles: Double?
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let body = LocalHTTP.get(port: metricsPort)?.body, let committed = LocalHTTP.sample("pipeline_tiles_committed_total", in: body) {
                tiles = LocalHTTP.sample("pipeline_scene_tiles", in: body)
                if seen.last != committed { seen.append(committed) }
                // The scene's tile count is 0 until the run has cut its grid.
                if let tiles, tiles > 0, committed == tiles { break }
            }
            usleep(100_000)
        }
        // The run is over once the linger line is written: SIGTERM ends the linger, status 0.
        #expect(RunningProcess.waitUntil(seconds: 60) { run.errors.contains("--metrics-linger") })
        run.signal(SIGTERM)
        #expect(run.wait(seconds: 30) == 0, "\(run.errors)")
        // Every line is JSON, the signal's notice included.
        let lines = run.errors.split(separator: "\n")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }, "\(run.errors)")
        #expect(lines.contains { $0.contains("\"level\":\"notice\",\"component\":\"run\",\"message\":\"SIGTERM received: stopping cleanly") }, "\(run.errors)")
        let report = try #require(try fixture.report("scraped")["run"] as? [String: Any])
        let committed = try #require(report["tilesCommitted"] as? Int)
        #expect(tiles == Double(committed) && committed == report["tilesTotal"] as? Int)
        #expect(seen.count >= 3, "scrapes saw \(seen)")
        #expect(seen == seen.sorted() && seen.last == tiles, "scrapes saw \(seen)")
    }

    @Test func aMetricsPortInUseIsOneLineBeforeAnyWork() throws {
        let taken = try OccupiedPort()
        let out = fixture.directory.file("not-started")
        let expected = "Error: --metrics-port \(taken.port): port \(taken.port) is in use by another process; choose another port (0 picks a free one)"
        for arguments in [["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "1"],
                          ["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--bind", "tcp://127.0.0.1:*"],
                          ["worker", "--connect", "tcp://127.0.0.1:9", "--give-up", "1"]] {
            let result = try PipelineBinary.run(arguments + ["--metrics-port", String(taken.port)])
            #expect(result.status != 0)
            #expect(result.errorOutput == expected + "\n", "\(arguments[0]): \(result.errorOutput)")
            #expect(result.output.isEmpty, "\(arguments[0]): \(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        let outOfRange = try PipelineBinary.run(["worker", "--connect", "tcp://127.0.0.1:9", "--metrics-port", "70000"])
        #expect(outOfRange.errorOutput.contains("--metrics-port must be between 0 and 65535, got 70000"))
        let badFormat = try PipelineBinary.run(["worker", "--connect", "tcp://127.0.0.1:9", "--log-format", "xml"])
        #expect(badFormat.status != 0 && badFormat.errorOutput.contains("--log-format"))
    }
}
