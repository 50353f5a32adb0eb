import ArgumentParser
import Distributed
import Foundation
import Logging
import Observability

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--log-format` and `--log-level` of `run`, `coordinator` and `worker`.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-format"),
            help: "Log lines as 'human' text or 'json': one object per line with time, level, component, message and run_id, scene, tile, attempt, worker where they apply.")
    var format: LogFormat = .human

    @Option(name: .customLong("log-level"), help: "Least severe level logged (debug: a line per tile).")
    var level: Logger.Level = .info

    /// A logger whose lines start with (or, in JSON, have as `component`) `component`, written to
    /// standard error through the console (so a terminal's progress line stays below them).
    func logger(_ component: String) -> Logger {
        let (format, level) = (self.format, self.level)
        var logger = Logger(label: component) { _ in
            LineLogHandler(component: component, format: format, level: level, write: { Console.error($0) })
        }
        logger.logLevel = level
        return logger
    }

    /// The same flags, for the worker processes `run --workers N` starts.
    var arguments: [String] { ["--log-format", format.rawValue, "--log-level", level.rawValue] }
}

/// `--metrics-port` of `run`, `coordinator` and `worker`.
struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics-port"),
            help: "Serve Prometheus metrics at http://THIS_HOST:PORT/metrics while working (0: any free port, logged).")
    var port: Int?

    @Option(name: .customLong("metrics-linger"),
            help: "Seconds to keep serving metrics after the work ends, so a last scrape sees the final counts (SIGTERM ends it early).")
    var linger: Double = 0

    func validate() throws {
        if let port { try CountOption.check(port, "--metrics-port", in: 0...65535) }
        guard linger >= 0, linger.isFinite else { throw ValidationError("--metrics-linger must be 0 or a positive number of seconds, got \(linger)") }
    }

    /// Binds the endpoint at once, before any work (a port in use is one error line and nothing
    /// is started); nil without --metrics-port.
    func start(_ role: PipelineMetrics.Role, logger: Logger) throws -> ServedMetrics? {
        guard let port else { return nil }
        let metrics = PipelineMetrics(role: role)
        let endpoint = try MetricsEndpoint(port: port, body: { metrics.exposition() })
        logger.info("metrics on http://0.0.0.0:\(endpoint.port)/metrics")
        return ServedMetrics(metrics: metrics, endpoint: endpoint, linger: linger)
    }
}

/// A process's metrics and the endpoint serving them.
struct ServedMetrics {
    let metrics: PipelineMetrics
    let endpoint: MetricsEndpoint
    let linger: Double

    /// After the work: serves the final counts for `--metrics-linger` seconds (a batch job that
    /// exits at once would leave its last tiles out of every scrape), then stops.
    func finish(stop: StopRequest, logger: Logger) {
        if linger > 0 && !stop.isRequested {
            logger.info("serving the final metrics for \(String(format: "%g", linger)) s more (--metrics-linger)")
            let deadline = Date().addingTimeInterval(linger)
            while Date() < deadline && !stop.isRequested { usleep(20_000) }
        }
        endpoint.close()
    }
}

extension Optional where Wrapped == ServedMetrics {
    /// What the runtime reports to: the served metrics, or nothing.
    var run: any RunMetrics { self?.metrics ?? NoMetrics() }
    var worker: any WorkerMetrics { self?.metrics ?? NoMetrics() }
}

extension PipelineSetup {
    /// The scene as log lines name it: `--scene-id`, else the pipeline's `scene.id`, else the folder's name.
    func sceneName(_ input: PipelineInputOptions) -> String {
        input.sceneID ?? spec.scene.id ?? URL(fileURLWithPath: input.sceneFolder).standardizedFileURL.lastPathComponent
    }
}
