import ArgumentParser
import Distributed
import Foundation
import Messaging
import PipelineConfig

/// `pipeline tune TUNE.yaml`: a hyperparameter search (random or TPE) over short trainings of
/// one training file. Trials run in parallel as jobs on `pipeline worker`s through a coordinator,
/// as tiles do: N local worker processes (`--workers N`) and/or remote ones connecting to
/// `--bind`. A worker lost mid-trial has its trial re-run elsewhere from the trial's last epoch;
/// the best trial's model becomes OUT/best-model.onnx.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search training hyperparameters (random or TPE) on workers; write results.csv and best-model.onnx.",
        discussion: """
            The search file's schema: config/training/tune-example.yaml. Outputs go to its `output:` folder. \
            Trials are jobs for `pipeline worker`s: --workers N starts N on this machine; with --bind, workers \
            anywhere join with `pipeline worker --connect tcp://THIS_HOST:PORT` and read the training file and \
            scenes at the same absolute paths (shared storage). On SIGTERM or SIGINT the search stops; the same \
            command with --resume continues it.
            """
    )

    @Argument(help: "Search file (YAML, version 1).")
    var config: String

    @Option(help: "Local worker processes, one trial each at a time (default: 1, or 0 with --bind).")
    var workers: Int?

    @Option(help: "Threads per local worker (default: the cores shared among the local workers).")
    var threads: Int?

    @Option(help: "Also listen for remote workers on this endpoint, e.g. tcp://*:5556 (repeatable).")
    var bind: [String] = []

    @Option(help: "Seconds a trial may go without reporting progress before it is given to another worker.")
    var lease: Double = 600

    @Option(name: .customLong("worker-timeout"), help: "Seconds of silence after which a worker counts as gone (its trial is re-run).")
    var workerTimeout: Double = 10

    @Flag(help: "Continue the search in the output folder: finished trials are kept, unfinished ones run again from their last epoch.")
    var resume = false

    @OptionGroup var curve: CoordinatorCurveOptions

    var localWorkers: Int { workers ?? (bind.isEmpty ? 1 : 0) }

    func validate() throws {
        try CountOption.check(localWorkers, "--workers", in: (bind.isEmpty ? 1 : 0)...CountOption.maxLocalWorkers)
        if let threads { try CountOption.check(threads, "--threads", in: 1...CountOption.maxThreads) }
        try CountOption.checkSeconds(lease, "--lease")
        try CountOption.checkSeconds(workerTimeout, "--worker-timeout")
        if curve.curveKey != nil && bind.isEmpty { throw ValidationError("--curve-key needs --bind (CURVE protects remote workers)") }
        if curve.curveKey != nil && localWorkers > 0 {
            throw ValidationError("--curve-key with local workers: start them as `pipeline worker --server-key ... --key ...` and pass --workers 0")
        }
    }

    func run() throws {
        do {
            let stop = ShutdownSignals.install(command: "tune")
            var spec = try TuneSpec.load(path: config)
            // Workers elsewhere read it at the same path: absolute, not relative to this directory.
            if !spec.training.hasPrefix("/") { spec.training = FileManager.default.currentDirectoryPath + "/" + spec.training }
            let base = try TrainingSpec.load(path: spec.training, knownClasses: TrainingSetup.catalogue)
            try Self.check(spec, against: base)
            var hooks = Coordinator.Hooks()
            let context = try MessageContext()
            try curve.apply(to: &hooks, context: context)
            let search = TuneSearch(spec: spec, base: base)
            try search.prepare(resume: resume)
            let local = localWorkers
            let perWorker = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
            Console.line("tune: \(spec.trials) trials (\(search.algorithmDescription)) over \(search.columns.joined(separator: ", ")); "
                         + (local == 0 ? "remote workers only" : "\(local) local worker(s), \(perWorker) thread(s) each" + (bind.isEmpty ? "" : ", and remote workers"))
                         + "; output \(search.folder.path)")
            let pool = LocalWorkerPool(count: local, threads: perWorker, command: "tune", giveUpSeconds: 10)
            defer { pool.stop() }
            var endpoints = try bind.map { try Endpoint($0) }
            if local > 0 { endpoints.append(try Endpoint("tcp://127.0.0.1:*")) }
            let remote = bind.count
            hooks.onListening = { listening in
                if remote > 0 {
                    Console.line("tune: listening on \(listening.prefix(remote).map(\.description).joined(separator: ", "))")
                    Console.line("tune: remote workers join with `pipeline worker --connect tcp://THIS_HOST:PORT`")
                }
                if local > 0, let loopback = listening.last { pool.start(connectingTo: loopback) }
            }
            hooks.log = { Console.error("tune: \($0)") }
            var settings = Coordinator.Settings(endpoints: endpoints)
            settings.leaseSeconds = lease
            settings.workerTimeoutSeconds = workerTimeout
            let summary = try TrialCoordinator(settings: settings, hooks: hooks, context: context).run(search, stop: stop)
            if let reason = summary.stopped {
                throw DistributedError(code: .interrupted, message: "stopped by \(reason): \(search.finishedCount) trial(s) finished and kept in "
                                       + "\(search.folder.trials); run the same command with --resume to continue")
            }
            try search.report()
        } catch let error as DistributedError where error.code == .interrupted {
            // PipelineCommand.main prints it and exits with 128 + the signal.
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("tune: \(error)")
            throw ExitCode(1)
        }
    }

    /// What the search file can only be checked against with the training file open: every depth
    /// must fit the patch size, and the rare classes must be among the trained ones.
    static func check(_ spec: TuneSpec, against base: TrainingSpec) throws {
        let depths = spec.space.depth ?? [base.architecture.depth]
        for depth in depths where !base.patches.size.isMultiple(of: 1 << depth) {
            throw spec.locations.error(.invalidValue, at: FieldPath.root.key("space").key("depth"),
                                       "depth \(depth) needs patches a multiple of \(1 << depth) px; the training file's patches are \(base.patches.size) px")
        }
        for name in spec.rareClasses where !base.classes.contains(name) {
            throw spec.locations.error(.invalidValue, at: FieldPath.root.key("rare_classes"),
                                       "'\(name)' is not among the training file's classes (\(base.classes.joined(separator: ", ")))")
        }
    }
}
