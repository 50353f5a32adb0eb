import ArgumentParser
import Distributed
import Foundation
import Logging
import Maps
import Messaging

struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Serve a pipeline's tiles to workers on any machines, and stitch their results.",
        discussion: """
            Binds a ZeroMQ ROUTER socket; start workers anywhere with \
            `pipeline worker --connect tcp://THIS_HOST:PORT`. Workers may join and leave at any time; \
            the coordinator exits when every tile is committed (non-zero if some were quarantined). \
            On SIGTERM or SIGINT it stops dispatching, keeps its journal and exits with status 143 or \
            130; the same command with --resume continues (workers reconnect by themselves).
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

    @OptionGroup var log: LogOptions

    @OptionGroup var metricsOptions: MetricsOptions

    @OptionGroup var resources: RunResourceOptions

    func validate() throws {
        try CountOption.checkSeconds(lease, "--lease")
        try CountOption.checkSeconds(workerTimeout, "--worker-timeout")
    }

    func run() throws {
        ProcessStats.useOneMallocArena()
        var hooks = Coordinator.Hooks()
        hooks.logger = log.logger("coordinator")
        let stop = ShutdownSignals.install(command: "coordinator", logger: hooks.logger)
        // Keys first: a bad key file is one line at once, before the scene is opened.
        let context = try MessageContext()
        try curve.apply(to: &hooks, context: context)
        let served = try metricsOptions.start(.coordinator, logger: hooks.logger)
        var settings = CoordinatorOptions.settings(endpoints: try bind.map(Endpoint.init))
        settings.leaseSeconds = lease
        settings.workerTimeoutSeconds = workerTimeout
        hooks.onListening = { endpoints in Console.line("coordinator: listening on \(endpoints.map(\.description).joined(separator: ", "))") }
        hooks.metrics = served.run
        if let list = input.scenes {
            // A batch: one socket and one set of workers for every listed scene.
            let batch = try BatchRun(pipeline: input.pipeline, list: list, baseFolder: input.scene, out: input.out, resume: resume,
                                     threads: ProcessInfo.processInfo.activeProcessorCount, stop: stop, label: "coordinator",
                                     resources: (resources.budget, resources.data))
            _ = try batch.run(with: Coordinator(settings: settings, hooks: hooks, context: context))
            served?.finish(stop: stop, logger: hooks.logger)
            return
        }
        let setup = try PipelineSetup(pipeline: input.pipeline, scene: input.sceneFolder, sceneID: input.sceneID, memoryBudgetBytes: resources.budget.bytes)
        let outputDirectory = try setup.outputDirectory(input.out, pipeline: input.pipeline)
        _ = try SceneRun.memoryPlan(stack: setup.stack, options: setup.options, package: setup.package, budget: resources.budget)
        try OutputFiles.createFolder(outputDirectory, option: input.out == nil ? "outputs.directory" : "--out")
        Console.line("coordinator: \(setup.summary)")
        for warning in setup.warnings { hooks.logger.warning("\(warning)") }
        hooks.logger[metadataKey: LogKey.scene] = "\(setup.sceneName(input))"
        let run = try SceneRun(stack: setup.stack, options: setup.options, package: setup.package, outputDirectory: outputDirectory,
                               resume: resume, budget: resources.budget, data: resources.data)
        Console.line("coordinator: \(run.memorySummary)")
        run.onProgress = ProgressPrinter().update
        run.stop = stop
        let report = try run.run(with: Coordinator(settings: settings, hooks: hooks, context: context))
        let written = try CoordinatorOptions.finish(report, setup: setup, input: input, directory: outputDirectory)
        Console.line("coordinator: " + CoordinatorOptions.outputsLine(outputDirectory, maps: written.maps))
        served?.finish(stop: stop, logger: hooks.logger)
    }
}

/// Settings and reporting shared by `run --workers N` and `coordinator`.
enum CoordinatorOptions {
    static func settings(endpoints: [Endpoint]) -> Coordinator.Settings {
        var settings = Coordinator.Settings(endpoints: endpoints)
        if let lease = ProcessInfo.processInfo.environment["PIPELINE_LEASE_SECONDS"].flatMap(Double.init) { settings.leaseSeconds = lease }
        if let timeout = ProcessInfo.processInfo.environment["PIPELINE_WORKER_TIMEOUT_SECONDS"].flatMap(Double.init) { settings.workerTimeoutSeconds = timeout }
        return settings
    }

    /// Makes the map (when the pipeline names a class catalogue) and writes the run report; a run
    /// with quarantined tiles fails after writing everything else.
    @discardableResult
    static func finish(_ tiles: SceneRunReport, setup: PipelineSetup, input: PipelineInputOptions, directory: String) throws -> PipelineRunReport {
        try finish(tiles, setup: setup, source: RunSource(pipeline: input.pipeline, scene: input.sceneFolder, sceneID: input.sceneID), directory: directory)
    }

    /// `label` starts the lines printed (`run`, or `run: scene ID` in a batch).
    static func finish(_ tiles: SceneRunReport, setup: PipelineSetup, source: RunSource, directory: String, label: String = "run") throws -> PipelineRunReport {
        var tiles = tiles
        tiles.run.peakResidentMegabytes = ProcessStats.peakResidentMegabytes
        tiles.run.cpuSeconds = ProcessStats.cpuSeconds
        tiles.run.tilingChoice = setup.tiling
        Console.line(label + String(format: ": %d tiles in %.1f s (%d resumed, %d skipped without data, %d failed attempts, %d late results rejected), %d workers, peak RSS %.0f MB",
                            tiles.run.tilesCommitted, tiles.run.timings.totalSeconds, tiles.tilesResumed, tiles.run.tilesSkipped,
                            tiles.attemptsFailed, tiles.resultsRejected, tiles.workersSeen, ProcessStats.peakResidentMegabytes))
        var report = PipelineRunReport(tiles: tiles, source: source)
        if let map = setup.map {
            report.maps = try MapMaker.make(runDirectory: directory, settings: map, bands: setup.bands) { Console.line("\(label): \($0)") }
            report.maps?.peakResidentMegabytes = ProcessStats.peakResidentMegabytes
            Console.line(label + String(format: ": map stages in %.1f s (%.1f%% of the tile run), peak RSS %.0f MB",
                                report.maps?.totalSeconds ?? 0, 100 * (report.maps?.totalSeconds ?? 0) / max(tiles.run.timings.totalSeconds, 1e-9),
                                ProcessStats.peakResidentMegabytes))
        }
        try report.write(runDirectory: directory)
        let path = PipelineRunReport.path(in: directory)
        if !tiles.quarantinedTiles.isEmpty {
            let list = tiles.quarantinedTiles.map { "tile \($0.tile) (row \($0.row), col \($0.col))" }.joined(separator: ", ")
            throw ValidationFailure(message: "\(tiles.quarantinedTiles.count) tile(s) quarantined after repeated failures and left as nodata: \(list); details in \(path)")
        }
        return report
    }

    /// What a finished run wrote, for its last line: the files the map stages report, a folder
    /// of them (`masks/`) once.
    static func outputsLine(_ directory: String, maps: MapReport?) -> String {
        let written = (maps?.exports.files ?? []).map { path -> String in
            let relative = path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
            return relative.split(separator: "/").count > 1 ? String(relative.split(separator: "/")[0]) + "/" : relative
        }
        var products = ["probabilities.tif"] + (maps == nil ? [] : [maps!.decidedMasks])
        for file in written where !products.contains(file) { products.append(file) }
        return "outputs in \(directory): \((products + ["run-report.json"]).joined(separator: ", "))"
    }
}
