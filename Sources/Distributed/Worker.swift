import Dispatch
import Foundation
import Logging
import Messaging
import Raster
import Scene

/// A worker: connects to a coordinator, receives the model (checked by SHA-256), asks for work with
/// credit, runs each tile (normalize, model, quantize) on a compute thread while its main thread
/// keeps the connection alive with heartbeats, and sends results back. Given a `TrialRunner`, it
/// also trains `pipeline tune` trials (the job says which: JOB or TRIAL). If the coordinator goes
/// silent it reconnects and says HELLO again; it exits when the coordinator says BYE.
public final class Worker {
    public struct Settings: Sendable {
        public var endpoint: Endpoint
        public var name: String
        public var threads: Int
        /// Jobs held at once: one running and one arriving keeps the compute thread busy.
        public var credit = 2
        public var heartbeatSeconds = 1.0
        public var coordinatorTimeoutSeconds = 15.0
        /// Stop after this long without a coordinator at all (nil: wait forever).
        public var giveUpSeconds: Double? = nil
        public var faults = FaultInjection.fromEnvironment()
        /// The CURVE key files, named when a handshake fails (nil: no CURVE, or keys not from files).
        public var curveKeyFiles: HandshakeDiagnosis.KeyFiles? = nil
        /// Set (on SIGTERM/SIGINT) to leave cleanly: finish the running tile, hand the rest back, BYE.
        public var stop = StopRequest()

        public init(endpoint: Endpoint, name: String, threads: Int) {
            self.endpoint = endpoint
            self.name = name
            self.threads = threads
        }
    }

    public struct Hooks {
        public var prepareSocket: (Socket) throws -> Void = { _ in }
        /// Where the worker's log lines go, with `LogKey` metadata (the worker's name is added here).
        public var logger = Logger.silent
        /// Counters and gauges for a metrics endpoint.
        public var metrics: any WorkerMetrics = NoMetrics()
        /// Log lines as plain messages, without metadata (sets `logger`).
        public var log: (String) -> Void {
            get { { _ in } }
            set { logger = .lines(newValue) }
        }
        public init() {}
    }

    public struct Summary: Sendable {
        /// JOB messages received (retries of a tile count again): what this worker was asked to do.
        public var jobsReceived = 0
        public var tilesDone = 0
        public var tilesFailed = 0
        public var trialsDone = 0
        public var reconnects = 0
    }

    let settings: Settings
    let factory: ModelFactory
    let hooks: Hooks
    /// Trains trials (nil: this worker runs tiles only, and says so in HELLO).
    let trials: TrialRunner?

    public init(settings: Settings, factory: ModelFactory, hooks: Hooks = Hooks(), trials: TrialRunner? = nil) {
        self.settings = settings
        self.factory = factory
        self.hooks = hooks
        self.trials = trials
    }

    var hello: Hello { Hello(threads: settings.threads, capabilities: trials == nil ? 0 : WorkerCapability.trials, name: settings.name) }

    public func run(context: MessageContext) throws -> Summary {
        try WorkerSession(worker: self, context: context).run()
    }
}

/// Test hooks for failure drills, read from the environment of worker processes:
/// `PIPELINE_FAULT_CRASH_TILE=N` aborts the process when it receives tile N (a poison tile);
/// `PIPELINE_FAULT_DELAY_MS=M` sleeps M ms before each tile (slow workers, for chaos tests);
/// `PIPELINE_FAULT_HANG_TILE=N` never finishes tile N while the worker keeps heartbeating (a hung
/// model: only the job's lease catches it).
public struct FaultInjection: Sendable {
    public var crashTile: Int?
    public var delayMilliseconds = 0
    public var hangTile: Int?

    public static func fromEnvironment() -> FaultInjection {
        let environment = ProcessInfo.processInfo.environment
        return FaultInjection(crashTile: environment["PIPELINE_FAULT_CRASH_TILE"].flatMap { Int($0) },
                              delayMilliseconds: environment["PIPELINE_FAULT_DELAY_MS"].flatMap { Int($0) } ?? 0,
                              hangTile: environment["PIPELINE_FAULT_HANG_TILE"].flatMap { Int($0) })
    }
}

/// Jobs in, outcomes out, across the main and compute threads.
private final class ComputeQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [WireMessage] = []
    private var pending = 0
    /// Trials among `pending`: a leaving worker does not wait for them (it may take hours).
    private var trials = 0
    private var draining = false
    /// Set when the worker cannot go on (it cannot read a shared-storage scene): the reason.
    private var fatal: String?
    let queue = DispatchQueue(label: "pipeline.worker.compute")

    func post(_ message: WireMessage) { lock.withLock { outcomes.append(message) } }
    func take() -> [WireMessage] { lock.withLock { defer { outcomes = [] }; return outcomes } }

    /// Counts a job in; `start` (on the compute thread) says whether to run it, `finish` counts it out.
    func added(trial: Bool = false) { lock.withLock { pending += 1; trials += trial ? 1 : 0 } }
    func start() -> Bool { lock.withLock { !draining } }
    func finish(trial: Bool = false) { lock.withLock { pending -= 1; trials -= trial ? 1 : 0 } }
    /// Jobs not started yet will not be: they are handed back with BYE.
    func drain() { lock.withLock { draining = true } }
    /// The worker must leave: no further job starts, and the main thread says BYE with `reason`.
    func fail(_ reason: String) { lock.withLock { if fatal == nil { fatal = reason }; draining = true } }
    var fatalReason: String? { lock.withLock { fatal } }
    /// True when no job is running or waiting (outcomes may still be untaken).
    var isIdle: Bool { lock.withLock { pending == 0 } }
    /// True when only trials are running or waiting: a leaving worker hands them back as they are.
    var onlyTrials: Bool { lock.withLock { pending == trials } }
}

/// A shared-storage scene opened by the compute thread, kept while jobs carry the same recipe.
private final class SharedScene: @unchecked Sendable {
    var recipeBytes: [UInt8] = []
    var recipe: SceneRecipe?
    var stack: SceneStack?
}

/// The model and its package, handed to the compute thread. Only that thread runs the model.
private final class LoadedModel: @unchecked Sendable {
    let model: TileModel
    let package: ModelPackage
    init(model: TileModel, package: ModelPackage) {
        self.model = model
        self.package = package
    }
}

/// A job as the worker tracks it between arrival and answer.
private struct JobID: Hashable {
    let tile: Int
    let attempt: Int
}

private final class WorkerSession {
    private let worker: Worker
    private let context: MessageContext
    private var socket: Socket
    /// Reports failed handshakes on `socket`, which libzmq otherwise keeps to itself.
    private var monitor: SocketMonitor
    /// The most specific handshake failure since the last success, named on giving up; each
    /// distinct one is logged once (libzmq retries every 100 ms and would report every attempt).
    private var handshakeFailure: HandshakeDiagnosis?
    private var loggedHandshakeFailures = Set<HandshakeDiagnosis>()
    private var loaded: LoadedModel?
    private let compute = ComputeQueue()
    private let scene = SharedScene()
    private var summary = Worker.Summary()
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    /// `lastHeard`: last message from the coordinator (time 0 = start). `lastAttempt`: last
    /// (re)connection, which restarts the silence clock for reconnecting but not for giving up.
    private var lastHeard = 0.0, lastAttempt = 0.0, lastSent = 0.0
    /// Why the worker is leaving (a stop request), once it started to.
    private var leaving: String?
    private var logger: Logger
    private var metrics: any WorkerMetrics { worker.hooks.metrics }
    /// When each job (tile, attempt) arrived, for its latency.
    private var arrivedAt: [JobID: Double] = [:]
    private var coordinatorAnswered = false

    init(worker: Worker, context: MessageContext) throws {
        self.worker = worker
        self.context = context
        logger = worker.hooks.logger
        logger[metadataKey: LogKey.worker] = "\(worker.settings.name)"
        start = clock.now
        (socket, monitor) = try WorkerSession.connect(worker, context)
    }

    private var now: Double { (clock.now - start).seconds }

    private static func connect(_ worker: Worker, _ context: MessageContext) throws -> (Socket, SocketMonitor) {
        let socket = try Socket(.dealer, in: context)
        try socket.setLinger(.immediate)
        try socket.setHeartbeatInterval(.seconds(1))
        try socket.setHeartbeatTimeout(.seconds(5))
        try socket.setHeartbeatTTL(.seconds(10))
        try socket.setMaxMessageSize(2 << 30)
        try worker.hooks.prepareSocket(socket)
        let monitor = try SocketMonitor(socket, watching: SocketEvent.Kinds.handshakeFailures.union(.handshakeSucceeded))
        try socket.connect(worker.settings.endpoint)
        try socket.send(WireMessage.hello(worker.hello).frames())
        return (socket, monitor)
    }

    private func checkHandshake() throws {
        for event in try monitor.pending() {
            if event.kind == .handshakeSucceeded {
                handshakeFailure = nil
                loggedHandshakeFailures = []
            } else if let diagnosis = HandshakeDiagnosis(event, keyFiles: worker.settings.curveKeyFiles) {
                if diagnosis.cause.specificity >= handshakeFailure?.cause.specificity ?? 0 { handshakeFailure = diagnosis }
                if loggedHandshakeFailures.insert(diagnosis).inserted { logger.error("\(diagnosis)") }
            }
        }
    }

    func run() throws -> Worker.Summary {
        let settings = worker.settings
        let limits = ReceiveLimits(maxFrames: WireMessage.maxFrames + 1, maxTotalBytes: Int.max / 2)
        while true {
            if let frames = try socket.receive(within: .milliseconds(20), limits: limits) {
                lastHeard = now
                metrics.received(bytes: frames.reduce(0) { $0 + $1.count })
                if !coordinatorAnswered {
                    coordinatorAnswered = true
                    metrics.connected(true)
                }
                do {
                    if try handle(WireMessage(frames: frames)) { break }
                } catch let error as WireError {
                    logger.warning("dropped a message from the coordinator: \(error)")
                }
            }
            try checkHandshake()
            for outcome in compute.take() { try send(outcome) }
            if leaving == nil, let reason = compute.fatalReason {
                // Jobs held go back to the coordinator with the BYE, counting no failure.
                leaving = reason
                logger.error("\(reason)")
            }
            if leaving == nil, let reason = settings.stop.reason {
                leaving = reason
                compute.drain()
                logger.notice("stopping on \(reason): finishing the running tile, handing back the rest (a running trial too)")
            }
            if let leaving, compute.onlyTrials {
                for outcome in compute.take() { try send(outcome) }
                let fatal = compute.fatalReason
                try send(.bye(reason: fatal ?? "stopping on \(leaving)"))
                // Linger a moment so the last result and the BYE leave before the socket closes.
                try? socket.setLinger(.after(.seconds(2)))
                if let fatal { throw DistributedError(code: .sceneUnreadable, message: fatal) }
                break
            }
            if now - lastSent >= settings.heartbeatSeconds { try send(.heartbeat) }
            if let limit = settings.giveUpSeconds, now - lastHeard > limit {
                let silence = Int(now - lastHeard)
                if let handshakeFailure {
                    throw DistributedError(code: .handshakeFailed, message: "gave up after \(silence) s: \(handshakeFailure)")
                }
                throw DistributedError(code: .interrupted, message: "no coordinator at \(settings.endpoint) for \(silence) s")
            }
            if now - max(lastHeard, lastAttempt) > settings.coordinatorTimeoutSeconds {
                logger.warning("coordinator silent for \(Int(now - lastHeard)) s; reconnecting")
                (socket, monitor) = try WorkerSession.connect(worker, context)
                lastAttempt = now
                summary.reconnects += 1
                metrics.reconnected()
                if coordinatorAnswered {
                    coordinatorAnswered = false
                    metrics.connected(false)
                }
            }
        }
        return summary
    }

    /// Never blocks: a DEALER whose only connection was refused has no peer at all, and a blocking
    /// send would then wait forever (this is how refused workers used to hang). A message that
    /// cannot be queued is dropped; the coordinator re-runs tiles whose results never come.
    private func send(_ message: WireMessage) throws {
        let frames = message.frames()
        do {
            try socket.send(frames, dontWait: true)
        } catch let error as MessagingError where error.errorNumber == EAGAIN {
            switch message {
            case .heartbeat: break
            case .result(let result):
                arrivedAt[JobID(tile: result.tileIndex, attempt: result.attempt)] = nil
                logger.warning("no connection to the coordinator: dropped the result of tile \(result.tileIndex)", metadata: about(result.tileIndex, result.attempt))
            case .failure(let failure):
                arrivedAt[JobID(tile: failure.tileIndex, attempt: failure.attempt)] = nil
                logger.warning("no connection to the coordinator: dropped the failure of tile \(failure.tileIndex)", metadata: about(failure.tileIndex, failure.attempt))
            case .trialResult(let outcome):
                logger.warning("no connection to the coordinator: dropped the result of trial \(outcome.trial)")
            default: logger.warning("no connection to the coordinator: dropped a message")
            }
            lastSent = now
            return
        }
        lastSent = now
        metrics.sent(bytes: frames.reduce(0) { $0 + $1.count })
        switch message {
        case .result(let result):
            summary.tilesDone += 1
            let arrived = arrivedAt.removeValue(forKey: JobID(tile: result.tileIndex, attempt: result.attempt)) ?? now
            let modelSeconds = Double(result.computeMicroseconds) / 1e6
            metrics.tileDone(latencySeconds: now - arrived, modelSeconds: modelSeconds)
            logger.debug("tile \(result.tileIndex) attempt \(result.attempt) done in \(String(format: "%.3f", modelSeconds)) s (model)",
                         metadata: about(result.tileIndex, result.attempt))
        case .failure(let failure):
            summary.tilesFailed += 1
            arrivedAt[JobID(tile: failure.tileIndex, attempt: failure.attempt)] = nil
            metrics.tileFailed()
            logger.warning("tile \(failure.tileIndex) attempt \(failure.attempt) failed: \(failure.message)", metadata: about(failure.tileIndex, failure.attempt))
        case .trialResult:
            summary.trialsDone += 1
        case .windowResult(let result):
            summary.tilesDone += 1
            let arrived = arrivedAt.removeValue(forKey: JobID(tile: result.tileIndex, attempt: result.attempt)) ?? now
            metrics.tileDone(latencySeconds: now - arrived, modelSeconds: Double(result.computeMicroseconds) / 1e6)
        default: break
        }
    }

    private func about(_ tile: Int, _ attempt: Int) -> Logger.Metadata {
        [LogKey.tile: .stringConvertible(tile), LogKey.attempt: .stringConvertible(attempt)]
    }

    /// Returns true when the worker should stop.
    private func handle(_ message: WireMessage) throws -> Bool {
        switch message {
        case .model(let package):
            if loaded?.package.sha256 != package.sha256 {
                do {
                    loaded = LoadedModel(model: try worker.factory.make(package), package: package)
                    logger.info("model \(package.kind) \(package.digest.prefix(12)) loaded: \(package.classNames.count) classes")
                } catch {
                    try send(.bye(reason: "cannot load the model: \(error)"))
                    throw error
                }
            }
            try send(.ready(credit: worker.settings.credit))
        case .job(let job):
            summary.jobsReceived += 1
            metrics.jobReceived()
            arrivedAt[JobID(tile: job.tileIndex, attempt: job.attempt)] = now
            enqueue(job)
        case .trial(let job):
            summary.jobsReceived += 1
            enqueue(job)
        case .windowJob(let job):
            summary.jobsReceived += 1
            metrics.jobReceived()
            arrivedAt[JobID(tile: job.tileIndex, attempt: job.attempt)] = now
            enqueue(job)
        case .reset:
            logger.notice("the coordinator does not know this worker; saying hello again")
            try send(.hello(worker.hello))
        case .bye(let reason):
            logger.info("coordinator said bye: \(reason)")
            return true
        case .heartbeat:
            break
        case .hello, .ready, .result, .failure, .progress, .trialResult, .windowResult:
            logger.warning("dropped a \(message) message: only workers send those")
        }
        return false
    }

    private func enqueue(_ job: Job) {
        guard let loaded else {
            compute.post(.failure(JobFailure(tileIndex: job.tileIndex, attempt: job.attempt, message: "no model loaded")))
            return
        }
        let faults = worker.settings.faults, compute = self.compute
        compute.added()
        compute.queue.async {
            defer { compute.finish() }
            guard compute.start() else { return }
            if faults.crashTile == job.tileIndex { abort() }
            if faults.hangTile == job.tileIndex { while true { sleep(3600) } }
            if faults.delayMilliseconds > 0 { usleep(UInt32(faults.delayMilliseconds) * 1000) }
            compute.post(WorkerSession.run(job, on: loaded))
        }
    }

    /// A trial trains on the compute thread like a tile; its progress goes out as it comes.
    private func enqueue(_ job: TrialJob) {
        guard let runner = worker.trials else {
            compute.post(.failure(JobFailure(tileIndex: job.trial, attempt: job.attempt, message: "worker \(worker.settings.name) cannot train trials")))
            return
        }
        let compute = self.compute
        compute.added(trial: true)
        compute.queue.async {
            defer { compute.finish(trial: true) }
            guard compute.start() else { return }
            do {
                compute.post(.trialResult(try runner(job) { compute.post(.progress($0)) }))
            } catch {
                compute.post(.failure(JobFailure(tileIndex: job.trial, attempt: job.attempt, message: "\(error)")))
            }
        }
    }

    /// Shared storage: the compute thread opens the scene (once per recipe), reads the tile's
    /// window and runs it. A scene it cannot open makes the worker leave, handing its jobs back.
    private func enqueue(_ job: WindowJob) {
        guard let loaded else {
            compute.post(.failure(JobFailure(tileIndex: job.tileIndex, attempt: job.attempt, message: "no model loaded")))
            return
        }
        let faults = worker.settings.faults, compute = self.compute, scene = self.scene, name = worker.settings.name
        compute.added()
        compute.queue.async {
            defer { compute.finish() }
            guard compute.start() else { return }
            if scene.recipeBytes != job.recipe || scene.stack == nil {
                do {
                    let recipe = try SceneRecipe.decode(job.recipe)
                    scene.stack = try recipe.open()
                    scene.recipe = recipe
                    scene.recipeBytes = job.recipe
                } catch {
                    scene.stack = nil
                    return compute.fail("worker \(name) cannot read the scene: \(error)")
                }
            }
            if faults.crashTile == job.tileIndex { abort() }
            if faults.hangTile == job.tileIndex { while true { sleep(3600) } }
            if faults.delayMilliseconds > 0 { usleep(UInt32(faults.delayMilliseconds) * 1000) }
            compute.post(WorkerSession.run(job, stack: scene.stack!, recipe: scene.recipe!, on: loaded))
        }
    }

    private static func run(_ job: WindowJob, stack: SceneStack, recipe: SceneRecipe, on loaded: LoadedModel) -> WireMessage {
        let clock = ContinuousClock(), started = clock.now
        let size = recipe.grid.tileSize
        do {
            // A batch's job ids carry the scene's slot too (`BatchJobID`).
            let index = BatchJobID.tile(of: job.tileIndex)
            guard index < recipe.grid.count, case let place = recipe.grid.tile(index: index),
                  job.tile.window == place.window, job.tile.core == place.core else {
                throw DistributedError(code: .protocolError, message: "tile \(job.tileIndex) is not where the recipe's grid puts it")
            }
            let (raw, hasData) = try TileRowReader.readTile(job.tile, stack: stack, grid: recipe.grid, padding: recipe.padding)
            guard hasData else {
                return .windowResult(WindowResult(tileIndex: job.tileIndex, attempt: job.attempt, classCount: 0, size: size, hasData: false,
                                                  probabilities: [], validity: [], computeMicroseconds: 0))
            }
            if let expected = loaded.model.inputBandCount, expected != raw.bandCount {
                throw DistributedError(code: .modelMismatch, message: "the model expects \(expected) bands, the tile has \(raw.bandCount)")
            }
            let probabilities = try loaded.model.predict(loaded.package.normalization.prepare(raw))
            let elapsed = clock.now - started
            return .windowResult(WindowResult(tileIndex: job.tileIndex, attempt: job.attempt, classCount: loaded.package.classNames.count, size: size,
                                              hasData: true, probabilities: ProbabilityQuantization.quantize(probabilities), validity: raw.validity,
                                              computeMicroseconds: Int(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)))
        } catch {
            return .failure(JobFailure(tileIndex: job.tileIndex, attempt: job.attempt, message: "\(error)"))
        }
    }

    private static func run(_ job: Job, on loaded: LoadedModel) -> WireMessage {
        let clock = ContinuousClock(), started = clock.now
        let size = job.input.size
        do {
            let raw = TileInput(tile: job.tile, bandCount: job.input.bandCount, size: size, values: job.input.values, validity: job.input.validity)
            if let expected = loaded.model.inputBandCount, expected != raw.bandCount {
                throw DistributedError(code: .modelMismatch, message: "the model expects \(expected) bands, the tile has \(raw.bandCount)")
            }
            let probabilities = try loaded.model.predict(loaded.package.normalization.prepare(raw))
            let elapsed = clock.now - started
            return .result(JobResult(tileIndex: job.tileIndex, attempt: job.attempt, classCount: loaded.package.classNames.count, size: size,
                                     probabilities: ProbabilityQuantization.quantize(probabilities),
                                     computeMicroseconds: Int(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)))
        } catch {
            return .failure(JobFailure(tileIndex: job.tileIndex, attempt: job.attempt, message: "\(error)"))
        }
    }
}
