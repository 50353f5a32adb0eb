import ArgumentParser
import Distributed
import Foundation
import Logging
import Messaging

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run tiles for a coordinator, or trials for `pipeline tune`: needs only this binary and the coordinator's address.",
        discussion: "The coordinator ships the model (checked by SHA-256) and the pixels; a `pipeline tune` coordinator sends trials instead, whose training files and scenes the worker reads at the same absolute paths (shared storage). The worker exits when the coordinator says the run is over. On SIGTERM or SIGINT it finishes the tile it is running, hands the rest back and says BYE; a second signal exits at once."
    )

    @Option(help: "The coordinator's endpoint, e.g. tcp://host:5555.")
    var connect: String

    @Option(help: "Threads for the model (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Name shown in the coordinator's log (default: host:pid).")
    var name: String?

    @Option(name: .customLong("give-up"), help: "Exit after this many seconds without any coordinator (default: wait forever).")
    var giveUp: Double?

    @OptionGroup var curve: WorkerCurveOptions

    @OptionGroup var log: LogOptions

    @OptionGroup var metricsOptions: MetricsOptions

    func validate() throws {
        try CountOption.check(threads, "--threads", in: 1...CountOption.maxThreads)
        if let giveUp { try CountOption.checkSeconds(giveUp, "--give-up") }
    }

    func run() throws {
        var settings = Worker.Settings(endpoint: try Endpoint(connect),
                                       name: name ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)",
                                       threads: threads)
        settings.giveUpSeconds = giveUp
        var hooks = Worker.Hooks()
        hooks.logger = log.logger("worker \(settings.name)")
        hooks.logger[metadataKey: LogKey.worker] = "\(settings.name)"
        settings.stop = ShutdownSignals.install(command: "worker \(settings.name)", logger: hooks.logger)
        let served = try metricsOptions.start(.worker, logger: hooks.logger)
        hooks.metrics = served.worker
        try curve.apply(to: &hooks, settings: &settings)
        let name = settings.name
        let trials = TuneTrialRunner.make(workerName: name, threads: threads) { [logger = hooks.logger] line in logger.info(Logger.Message(stringLiteral: line)) }
        let summary = try Worker(settings: settings, factory: .standard(threads: threads), hooks: hooks, trials: trials).run(context: MessageContext())
        let trialsDone = summary.trialsDone > 0 ? "\(summary.trialsDone) trials, " : ""
        hooks.logger.info("done, \(summary.jobsReceived) jobs received, \(summary.tilesDone) tiles, \(trialsDone)\(summary.reconnects) reconnects")
        served?.finish(stop: settings.stop, logger: hooks.logger)
    }
}
