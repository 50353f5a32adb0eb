import ArgumentParser
import Distributed
import Foundation
import Messaging
import Scene

struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Serve a pipeline's tiles to workers on any machines, and stitch their results.",
        discussion: """
            Binds a ZeroMQ ROUTER socket; start workers anywhere with \
            `pipeline worker --connect tcp://THIS_HOST:PORT`. Workers may join and leave at any time; \
            the coordinator exits when every tile is committed (non-zero if some were quarantined).
            """
    )

    @OptionGroup var input: PipelineInputOptions

    @Option(help: "Endpoint to listen on, e.g. tcp://*:5555 (repeatable).")
    var bind: [String] = ["tcp://*:5555"]

    @Option(help: "Seconds a worker may take for one tile before it is given to another.")
    var lease: Double = 120

    @Option(name: .customLong("worker-timeout"), help: "Seconds of silence after which a worker counts as gone.")
    var workerTimeout: Double = 10

    @Flag(help: "Continue an interrupted run from its journal, redoing no committed tile.")
    var resume = false

    @OptionGroup var curve: CoordinatorCurveOptions

    func run() throws {
        let setup = try PipelineSetup(pipeline: input.pipeline, scene: input.scene, sceneID: input.sceneID)
        let outputDirectory = try setup.outputDirectory(input.out, pipeline: input.pipeline)
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        Console.line("coordinator: \(setup.summary)")
        for warning in setup.warnings { Console.error("coordinator: \(warning)") }
        var settings = CoordinatorOptions.settings(endpoints: try bind.map(Endpoint.init), resume: resume)
        settings.leaseSeconds = lease
        settings.workerTimeoutSeconds = workerTimeout
        var hooks = Coordinator.Hooks()
        hooks.onListening = { endpoints in Console.line("coordinator: listening on \(endpoints.map(\.description).joined(separator: ", "))") }
        hooks.log = { Console.error("coordinator: \($0)") }
        hooks.progress = ProgressPrinter().update
        let context = try MessageContext()
        try curve.apply(to: &hooks, context: context)
        let report = try Coordinator(stack: setup.stack, options: setup.options, package: setup.package, outputDirectory: outputDirectory,
                                     settings: settings, hooks: hooks).run(context: context)
        try CoordinatorOptions.finish(report, tiling: setup.tiling, path: "\(outputDirectory)/run-report.json")
        Console.line("coordinator: outputs in \(outputDirectory): probabilities.tif, run-report.json")
    }
}

/// Settings and reporting shared by `run --workers N` and `coordinator`.
enum CoordinatorOptions {
    static func settings(endpoints: [Endpoint], resume: Bool) -> Coordinator.Settings {
        var settings = Coordinator.Settings(endpoints: endpoints)
        settings.resume = resume
        if let lease = ProcessInfo.processInfo.environment["PIPELINE_LEASE_SECONDS"].flatMap(Double.init) { settings.leaseSeconds = lease }
        if let timeout = ProcessInfo.processInfo.environment["PIPELINE_WORKER_TIMEOUT_SECONDS"].flatMap(Double.init) { settings.workerTimeoutSeconds = timeout }
        return settings
    }

    /// Writes the report; a run with quarantined tiles fails after writing everything else.
    static func finish(_ report: DistributedRunReport, tiling: TilingChoice, path: String) throws {
        var report = report
        report.run.peakResidentMegabytes = ProcessStats.peakResidentMegabytes
        report.run.tilingChoice = tiling
        try report.json().write(to: URL(fileURLWithPath: path))
        Console.line(String(format: "run: %d tiles in %.1f s (%d resumed, %d skipped without data, %d failed attempts, %d late results rejected), %d workers, peak RSS %.0f MB",
                            report.run.tilesCommitted, report.run.timings.totalSeconds, report.tilesResumed, report.run.tilesSkipped,
                            report.attemptsFailed, report.resultsRejected, report.workersSeen, ProcessStats.peakResidentMegabytes))
        if !report.quarantinedTiles.isEmpty {
            let list = report.quarantinedTiles.map { "tile \($0.tile) (row \($0.row), col \($0.col))" }.joined(separator: ", ")
            throw ValidationFailure(message: "\(report.quarantinedTiles.count) tile(s) quarantined after repeated failures and left as nodata: \(list); details in \(path)")
        }
    }
}
