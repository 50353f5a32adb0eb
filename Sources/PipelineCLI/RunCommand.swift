import ArgumentParser
import Distributed
import Foundation
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

    @OptionGroup var resources: RunResourceOptions

    func validate() throws {
        try CountOption.check(workers, "--workers", in: 0...CountOption.maxLocalWorkers)
        if let threads { try CountOption.check(threads, "--threads", in: 1...CountOption.maxThreads) }
        if resources.data == .shared && workers == 0 { throw ValidationError("--data shared needs workers to read the scene (--workers 1 or more)") }
    }


    func run() throws {
        let stop = ShutdownSignals.install(command: "run")
        let setup = try PipelineSetup(pipeline: input.pipeline, scene: input.scene, sceneID: input.sceneID,
                                      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, memoryBudgetBytes: resources.budget.bytes)
        let outputDirectory = try setup.outputDirectory(input.out, pipeline: input.pipeline)
        try OutputFiles.createFolder(outputDirectory, option: input.out == nil ? "outputs.directory" : "--out")
        Console.line("run: \(setup.summary)")
        for warning in setup.warnings { Console.error("run: \(warning)") }
        let run = try SceneRun(stack: setup.stack, options: setup.options, package: setup.package, outputDirectory: outputDirectory,
                               resume: resume, budget: resources.budget, data: resources.data)
        Console.line("run: \(run.memorySummary)")
        run.onProgress = ProgressPrinter().update
        run.stop = stop
        let report: SceneRunReport
        if workers == 0 {
            var executor = InProcessExecutor(model: setup.model)
            executor.delayMilliseconds = FaultInjection.fromEnvironment().delayMilliseconds
            report = try run.run(with: executor)
        } else {
            let threadsPerWorker = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
            let pool = LocalWorkerPool(count: workers, threads: threadsPerWorker)
            defer { pool.stop() }
            var hooks = Coordinator.Hooks()
            hooks.onListening = { endpoints in pool.start(connectingTo: endpoints[0]) }
            hooks.log = { Console.error("coordinator: \($0)") }
            let settings = CoordinatorOptions.settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
            report = try run.run(with: Coordinator(settings: settings, hooks: hooks, context: try MessageContext()))
        }
        let written = try CoordinatorOptions.finish(report, setup: setup, input: input, directory: outputDirectory)
        Console.line("run: " + CoordinatorOptions.outputsLine(outputDirectory, maps: written.maps))
    }
}
