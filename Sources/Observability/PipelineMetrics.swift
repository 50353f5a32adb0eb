import Distributed
import Prometheus

/// The Prometheus metrics of one process, in its own registry: a coordinator's (or an in-process
/// run's) as `RunMetrics`, a worker's as `WorkerMetrics`. Names follow Prometheus conventions:
/// `pipeline_` prefix, base units, `_total` for counters. Every family is listed with its help
/// text in README.md ("Metrics").
public final class PipelineMetrics: Sendable {
    public enum Role: Sendable { case coordinator, worker }

    public let registry = PrometheusCollectorRegistry()
    public let role: Role

    /// Per-tile latency buckets, in seconds: a tile of the identity model takes milliseconds, a
    /// U-Net tile with D4 on one core tens of seconds, and a lease runs out after minutes.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    // Both roles.
    private let latency: ValueHistogram
    private let modelSeconds: Counter
    private let bytesReceived: Counter
    private let bytesSent: Counter
    // Coordinator.
    private let tiles: Gauge
    private let committed: Counter
    private let failed: Counter
    private let retried: Counter
    private let quarantined: Counter
    private let queue: Gauge
    private let workers: Gauge
    // Worker.
    private let jobs: Counter
    private let done: Counter
    private let workerFailed: Counter
    private let reconnects: Counter
    private let coordinatorConnected: Gauge

    public init(role: Role) {
        self.role = role
        let registry = self.registry
        // Families of the other role go to a registry nobody reads, so a scrape shows only what applies.
        let unregistered = PrometheusCollectorRegistry()
        func counter(_ name: String, _ help: String, _ applies: Bool = true) -> Counter {
            (applies ? registry : unregistered).makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help))
        }
        func gauge(_ name: String, _ help: String, _ applies: Bool) -> Gauge {
            (applies ? registry : unregistered).makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        let coordinator = role == .coordinator
        latency = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(metricName: "pipeline_tile_latency", unitName: "seconds",
                                             helpText: coordinator ? "Seconds from handing out a tile's attempt to committing its result."
                                                 : "Seconds from a job's arrival to its result leaving (queueing included)."),
            buckets: Self.latencyBuckets)
        modelSeconds = counter("pipeline_model_seconds", coordinator ? "Seconds the model ran, summed over committed tiles (measured where it ran)."
                               : "Seconds the model ran, summed over tiles done.")
        bytesReceived = counter("pipeline_received_bytes", coordinator ? "Bytes of messages received from workers." : "Bytes of messages received from the coordinator.")
        bytesSent = counter("pipeline_sent_bytes", coordinator ? "Bytes of messages sent to workers." : "Bytes of messages sent to the coordinator.")
        tiles = gauge("pipeline_scene_tiles", "Tiles in the grids of the scenes started so far (one scene, or a batch), with and without data.", coordinator)
        committed = counter("pipeline_tiles_committed", "Tiles whose result was journaled and stitched by this process.", coordinator)
        failed = counter("pipeline_tile_attempts_failed", "Attempts that failed (worker error, expired lease, lost worker).", coordinator)
        retried = counter("pipeline_tiles_retried", "Failed attempts whose tile went back in the queue.", coordinator)
        quarantined = counter("pipeline_tiles_quarantined", "Tiles given up after failing every attempt (left as nodata).", coordinator)
        queue = gauge("pipeline_queue_depth_tiles", "Tiles cut and waiting for a worker.", coordinator)
        workers = gauge("pipeline_workers_connected", "Workers connected to the coordinator.", coordinator)
        jobs = counter("pipeline_worker_jobs_received", "Jobs received (a retried tile counts again).", !coordinator)
        done = counter("pipeline_worker_tiles_done", "Tiles whose result was sent to the coordinator.", !coordinator)
        workerFailed = counter("pipeline_worker_tiles_failed", "Tiles this worker could not run (the error was sent to the coordinator).", !coordinator)
        reconnects = counter("pipeline_worker_reconnects", "Reconnections after the coordinator went silent.", !coordinator)
        coordinatorConnected = gauge("pipeline_worker_coordinator_connected", "1 while the coordinator answers, 0 before it did and after it went silent.", !coordinator)
    }

    /// The text a scrape of `/metrics` returns (Prometheus text format 0.0.4).
    public func exposition() -> String { String(decoding: registry.emitToBuffer(), as: UTF8.self) }
}

extension PipelineMetrics: RunMetrics {
    public func sceneTiles(_ count: Int) { tiles.increment(by: Double(count)) }

    public func tileCommitted(latencySeconds: Double, modelSeconds: Double) {
        committed.increment()
        latency.record(max(0, latencySeconds))
        self.modelSeconds.increment(by: max(0, modelSeconds))
    }

    public func attemptFailed(quarantined isQuarantined: Bool) {
        failed.increment()
        (isQuarantined ? quarantined : retried).increment()
    }

    public func queueDepth(_ tiles: Int) { queue.set(Double(tiles)) }
    public func workersConnected(_ count: Int) { workers.set(Double(count)) }
    public func received(bytes: Int) { bytesReceived.increment(by: Int64(bytes)) }
    public func sent(bytes: Int) { bytesSent.increment(by: Int64(bytes)) }
}

extension PipelineMetrics: WorkerMetrics {
    public func jobReceived() { jobs.increment() }

    public func tileDone(latencySeconds: Double, modelSeconds: Double) {
        done.increment()
        latency.record(max(0, latencySeconds))
        self.modelSeconds.increment(by: max(0, modelSeconds))
    }

    public func tileFailed() { workerFailed.increment() }
    public func connected(_ yes: Bool) { coordinatorConnected.set(to: yes ? 1.0 : 0.0) }
    public func reconnected() { reconnects.increment() }
}
