import Distributed
import Foundation
import Logging
import Messaging
import Observability
import Raster
import Scene
import TestSupport
import Testing

/// A coordinator and a worker in this process, over ZeroMQ on loopback, logging into memory and
/// counting into Prometheus registries: every line about a tile names the run, the tile, the
/// attempt and the worker, and the counters end at the run's numbers.
@Suite struct CoordinatorWorkerObservabilityTests {
    let directory: TemporaryDirectory
    let stack: SceneStack
    let options = TilingOptions(tileSize: 32, overlap: 8, normalization: Normalization(scale: [1 / 2047]))

    init() throws {
        directory = try TemporaryDirectory()
        stack = try GradientScene.stack(in: directory)
    }

    /// The identity model, failing the first time it sees `failingTile` (a worker-side error the
    /// coordinator retries).
    private final class FlakyModel: TileModel, @unchecked Sendable {
        let inner: IdentityModel
        let failingTile: Int
        private let lock = NSLock()
        private var failed = false
        init(inner: IdentityModel, failingTile: Int) {
            self.inner = inner
            self.failingTile = failingTile
        }
        var classNames: [String] { inner.classNames }
        var inputBandCount: Int? { nil }
        func predict(_ input: TileInput) throws -> [Float] {
            let fail = lock.withLock { () -> Bool in
                guard input.tile.index == failingTile, !failed else { return false }
                failed = true
                return true
            }
            if fail { throw SceneError(code: .invalidArgument, message: "injected failure") }
            return try inner.predict(input)
        }
    }

    private struct Outcome {
        let report: SceneRunReport
        let runID: String
        let coordinatorLog: [LogRecorder.Record]
        let workerLog: [LogRecorder.Record]
        let coordinatorMetrics: PipelineMetrics
        let workerMetrics: PipelineMetrics
    }

    private func runDistributed(failingTile: Int) throws -> Outcome {
        let identity = try IdentityModel(bands: [1, 2], classNames: ["a", "b"])
        let settingsBytes = Array(try JSONEncoder().encode(["bands": [1, 2]]))
        let package = ModelPackage(kind: "flaky", bytes: settingsBytes, classNames: identity.classNames, normalization: options.normalization)
        let out = directory.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try SceneRun(stack: stack, options: options, package: package, outputDirectory: out, resume: false)

        let coordinatorLog = LogRecorder(), workerLog = LogRecorder()
        let coordinatorMetrics = PipelineMetrics(role: .coordinator), workerMetrics = PipelineMetrics(role: .worker)
        var hooks = Coordinator.Hooks()
        hooks.logger = coordinatorLog.logger(component: "coordinator", level: .debug)
        hooks.logger[metadataKey: LogKey.scene] = "test-scene"
        hooks.metrics = coordinatorMetrics
        let context = try MessageContext()
        let workerDone = DispatchSemaphore(value: 0)
        hooks.onListening = { endpoints in
            var settings = Worker.Settings(endpoint: endpoints[0], name: "worker-a", threads: 1)
            settings.giveUpSeconds = 20
            var workerHooks = Worker.Hooks()
            workerHooks.logger = workerLog.logger(component: "worker worker-a", level: .debug)
            workerHooks.metrics = workerMetrics
            let factory = ModelFactory(extra: ["flaky": { _ in
                FlakyModel(inner: try IdentityModel(bands: [1, 2], classNames: ["a", "b"]), failingTile: failingTile)
            }])
            let worker = Unchecked(Worker(settings: settings, factory: factory, hooks: workerHooks))
            Thread.detachNewThread {
                _ = try? worker.value.run(context: context)
                workerDone.signal()
            }
        }
        var settings = Coordinator.Settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        settings.workerTimeoutSeconds = 10
        let report = try run.run(with: Coordinator(settings: settings, hooks: hooks, context: context))
        #expect(workerDone.wait(timeout: .now() + 20) == .success, "the worker did not leave after BYE")
        return Outcome(report: report, runID: run.runID, coordinatorLog: coordinatorLog.records, workerLog: workerLog.records,
                       coordinatorMetrics: coordinatorMetrics, workerMetrics: workerMetrics)
    }

    @Test func linesAboutTilesCarryRunTileAttemptAndWorker() throws {
        let outcome = try runDistributed(failingTile: 1)
        let tiles = outcome.report.run.tilesTotal
        #expect(tiles == 12 && outcome.report.run.tilesCommitted == tiles)
        #expect(outcome.runID.count == 12)

        // Every coordinator line names the run and the scene.
        for record in outcome.coordinatorLog {
            #expect(record.metadata[LogKey.runID] == outcome.runID, "\(record)")
            #expect(record.metadata[LogKey.scene] == "test-scene", "\(record)")
        }
        let joined = outcome.coordinatorLog.first { $0.message.contains("joined") }
        #expect(joined?.metadata[LogKey.worker] == "worker-a")
        #expect(joined?.level == .info)

        // The failed attempt: a warning naming tile, attempt and worker, then the retry's commit.
        let failure = try #require(outcome.coordinatorLog.first { $0.message.contains("failed") })
        #expect(failure.level == .warning)
        #expect(failure.message.contains("tile 1 attempt 1 failed") && failure.message.hasSuffix("; retrying"), "\(failure)")
        #expect(failure.metadata[LogKey.tile] == "1" && failure.metadata[LogKey.attempt] == "1" && failure.metadata[LogKey.worker] == "worker-a")
        let commits = outcome.coordinatorLog.filter { $0.message.contains("committed") }
        #expect(commits.count == tiles)
        #expect(commits.allSatisfy { $0.level == .debug && $0.metadata[LogKey.tile] != nil && $0.metadata[LogKey.attempt] != nil
            && $0.metadata[LogKey.worker] == "worker-a" && $0.metadata[LogKey.workerKey] != nil })
        #expect(commits.first { $0.metadata[LogKey.tile] == "1" }?.metadata[LogKey.attempt] == "2")
        #expect(Set(commits.compactMap { $0.metadata[LogKey.tile] }).count == tiles)

        // The worker's lines name it, and those about tiles the tile and attempt.
        #expect(outcome.workerLog.allSatisfy { $0.metadata[LogKey.worker] == "worker-a" })
        let workerTiles = outcome.workerLog.filter { $0.metadata[LogKey.tile] != nil }
        #expect(workerTiles.count == tiles + 1)
        #expect(workerTiles.allSatisfy { $0.metadata[LogKey.attempt] != nil })
        #expect(outcome.workerLog.contains { $0.level == .warning && $0.message.contains("tile 1 attempt 1 failed: injected failure") })
    }

    @Test func countersEndAtTheRunsNumbers() throws {
        let outcome = try runDistributed(failingTile: 3)
        let tiles = Double(outcome.report.run.tilesTotal)
        let coordinator = outcome.coordinatorMetrics.exposition()
        #expect(LocalHTTP.sample("pipeline_scene_tiles", in: coordinator) == tiles)
        #expect(LocalHTTP.sample("pipeline_tiles_committed_total", in: coordinator) == tiles)
        #expect(LocalHTTP.sample("pipeline_tile_attempts_failed_total", in: coordinator) == 1)
        #expect(LocalHTTP.sample("pipeline_tiles_retried_total", in: coordinator) == 1)
        #expect(LocalHTTP.sample("pipeline_tiles_quarantined_total", in: coordinator) == 0)
        #expect(LocalHTTP.sample("pipeline_tile_latency_seconds_count", in: coordinator) == tiles)
        #expect(LocalHTTP.sample("pipeline_queue_depth_tiles", in: coordinator) == 0)
        #expect(LocalHTTP.sample("pipeline_workers_connected", in: coordinator) == 1)
        #expect((LocalHTTP.sample("pipeline_model_seconds_total", in: coordinator) ?? 0) > 0)
        // Results carry 2 classes x 32 x 32 bytes per tile; jobs 2 bands x 32 x 32 values of at
        // least 2 bytes (whole-number bands travel as UInt16).
        #expect((LocalHTTP.sample("pipeline_received_bytes_total", in: coordinator) ?? 0) > tiles * 2 * 32 * 32)
        #expect((LocalHTTP.sample("pipeline_sent_bytes_total", in: coordinator) ?? 0) > tiles * 2 * 32 * 32 * 2)
        #expect(coordinator.contains("# HELP pipeline_tiles_committed_total "))
        #expect(!coordinator.contains("pipeline_worker_"))

        let worker = outcome.workerMetrics.exposition()
        #expect(LocalHTTP.sample("pipeline_worker_jobs_received_total", in: worker) == tiles + 1)
        #expect(LocalHTTP.sample("pipeline_worker_tiles_done_total", in: worker) == tiles)
        #expect(LocalHTTP.sample("pipeline_worker_tiles_failed_total", in: worker) == 1)
        #expect(LocalHTTP.sample("pipeline_worker_coordinator_connected", in: worker) == 1)
        #expect(LocalHTTP.sample("pipeline_tile_latency_seconds_count", in: worker) == tiles)
        #expect((LocalHTTP.sample("pipeline_received_bytes_total", in: worker) ?? 0) > tiles * 2 * 32 * 32 * 2)
        #expect((LocalHTTP.sample("pipeline_sent_bytes_total", in: worker) ?? 0) > tiles * 2 * 32 * 32)
        #expect(!worker.contains("pipeline_tiles_committed_total"))
    }
}

/// Hands a value to another thread that alone uses it from then on.
private final class Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
