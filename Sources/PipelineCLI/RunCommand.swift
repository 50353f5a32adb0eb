import ArgumentParser
import Distributed
import Foundation
import Logging
import Messaging
import Scene

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline on a scene: stack, tile, predict, stitch, write georeferenced outputs.",
        discussion: """
            Reads the scene's sources from --scene (paths in the pipeline are relative to it), stacks \
            them on the reference grid, runs the model on overlapping tiles and blends the results into \
            OUT/probabilities.tif (a Cloud-Optimized GeoTIFF, one UInt8 band per class, 0..254 = 0..1, \
            255 = nodata) with OUT/run-report.json beside it.

            With --workers N (N >= 1) a coordinator sends the tiles over ZeroMQ to N local worker \
            processes; --workers 0 runs the model in this process. Outputs are byte-identical either \
            way. Every committed tile is journaled, so --resume continues an interrupted run.

            On SIGTERM or SIGINT the run stops handing out tiles, stops its local workers, keeps its \
            journal and exits with status 143 or 130, saying that --resume continues; a second \
            signal exits at once.
            """
    )

    @OptionGroup var input: PipelineInputOptions

    /// One single-threaded worker per core: measured on this 2-core machine with the reference
    /// U-Net and D4, 2 workers x 1 thread took 87 s where 1 worker x 2 threads took 123 s.
    @Option(help: "Local worker processes (default: one per core, one thread each); 0 runs the model in this process.")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Threads per worker (default: the machine's cores divided among the workers).")
    var threads: Int?

    @Flag(help: "Continue an interrupted run from its journal, redoing no committed tile.")
    var resume = false

    @OptionGroup var log: LogOptions

    /// Local workers serve no endpoint of their own: the run's coordinator counts their tiles.
    @OptionGroup var metricsOptions: MetricsOptions

    @OptionGroup var resources: RunResourceOptions

    func validate() throws {
        try CountOption.check(workers, "--workers", in: 0...CountOption.maxLocalWorkers)
        if let threads { try CountOption.check(threads, "--threads", in: 1...CountOption.maxThreads) }
        if resources.data == .shared && workers == 0 { throw ValidationError("--data shared needs workers to read the scene (--workers 1 or more)") }
    }


    func run() throws {
        if workers > 0 { ProcessStats.useOneMallocArena() }
        let logger = log.logger("run")
        let stop = ShutdownSignals.install(command: "run", logger: logger)
        let served = try metricsOptions.start(.coordinator, logger: logger)
        if let list = input.scenes {
            try runBatch(list, stop: stop, metrics: served.run, logger: logger)
            served?.finish(stop: stop, logger: logger)
            return
        }
        let setup = try PipelineSetup(pipeline: input.pipeline, scene: input.sceneFolder, sceneID: input.sceneID,
                                      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, memoryBudgetBytes: resources.budget.bytes)
        let outputDirectory = try setup.outputDirectory(input.out, pipeline: input.pipeline)
        _ = try SceneRun.memoryPlan(stack: setup.stack, options: setup.options, package: setup.package, budget: resources.budget)
        try OutputFiles.createFolder(outputDirectory, option: input.out == nil ? "outputs.directory" : "--out")
        Console.line("run: \(setup.summary)")
        for warning in setup.warnings { logger.warning("\(warning)") }
        let run = try SceneRun(stack: setup.stack, options: setup.options, package: setup.package, outputDirectory: outputDirectory,
                               resume: resume, budget: resources.budget, data: resources.data)
        Console.line("run: \(run.memorySummary)")
        run.onProgress = ProgressPrinter().update
        run.stop = stop
        let report: SceneRunReport
        if workers == 0 {
            var executor = InProcessExecutor(model: setup.model)
            executor.delayMilliseconds = FaultInjection.fromEnvironment().delayMilliseconds
            executor.metrics = served.run
            report = try run.run(with: executor)
        } else {
            let pool = LocalWorkerPool(count: workers, threads: threadsPerWorker, arguments: log.arguments, logger: logger)
            defer { pool.stop() }
            let coordinator = try localCoordinator(pool, metrics: served.run, scene: setup.sceneName(input))
            report = try run.run(with: coordinator)
        }
        let written = try CoordinatorOptions.finish(report, setup: setup, input: input, directory: outputDirectory)
        Console.line("run: " + CoordinatorOptions.outputsLine(outputDirectory, maps: written.maps))
        served?.finish(stop: stop, logger: logger)
    }

    var threadsPerWorker: Int { threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(workers, 1)) }

    /// A coordinator on a loopback port that starts `pool` once it listens; `scene` names a single
    /// run's scene in log lines (a batch's lines carry each tile's run id instead).
    func localCoordinator(_ pool: LocalWorkerPool, metrics: any RunMetrics, scene: String? = nil) throws -> Coordinator {
        var hooks = Coordinator.Hooks()
        hooks.onListening = { endpoints in pool.start(connectingTo: endpoints[0]) }
        hooks.logger = log.logger("coordinator")
        if let scene { hooks.logger[metadataKey: LogKey.scene] = "\(scene)" }
        hooks.metrics = metrics
        let settings = CoordinatorOptions.settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        return Coordinator(settings: settings, hooks: hooks, context: try MessageContext())
    }
}
