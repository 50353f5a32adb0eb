import Foundation
import Messaging
import Scene

/// Where a `TrialCoordinator` gets its trials and leaves their outcomes: `pipeline tune`'s search
/// (which draws trials from the results so far, and keeps every file in its output folder).
/// Called on the coordinator's thread only.
public protocol TrialSource: AnyObject {
    /// True while trials remain to be drawn (a trial drawn but not finished is not "remaining").
    var hasMoreTrials: Bool { get }
    /// Draws (or picks an unfinished recorded) trial when a worker is free; nil if none now.
    func nextTrial() throws -> Int?
    /// The TRIAL for `trial`'s attempt (this session's count), given to worker `worker`: built when
    /// it is sent, so a retry carries the checkpoint of the last epoch any attempt finished.
    func job(trial: Int, attempt: Int, worker: String) throws -> TrialJob
    /// PROGRESS of the attempt currently holding the trial (stale ones are not passed on).
    func progress(_ progress: TrialProgress, worker: String) throws
    /// The trial's accepted result.
    func finished(_ outcome: TrialOutcome, worker: String) throws
    /// An attempt failed (worker gone, lease expired, ERROR); `final` when no attempt is left.
    func failed(trial: Int, attempt: Int, reason: String, final: Bool) throws
}

/// Runs a search's trials as jobs on ZeroMQ workers, with the machinery tiles use: the same
/// `Scheduler` (credit, leases, attempt ids, retries, quarantine after `maxAttempts`), the same
/// socket settings, CURVE hooks and shutdown. A worker holds one trial at a time (a trial uses
/// all its threads); its PROGRESS messages extend the lease, so `leaseSeconds` is the longest a
/// trial may go without reporting.
public final class TrialCoordinator {
    public struct Summary: Sendable {
        public var workersSeen = 0
        public var attemptsFailed = 0
        public var resultsRejected = 0
        /// Set when the search stopped early on its `stop` request, with the reason.
        public var stopped: String?
    }

    let settings: Coordinator.Settings
    let hooks: Coordinator.Hooks
    let context: MessageContext
    /// Messages carry checkpoints and models: allow large ones (CURVE keeps strangers out).
    public var maxMessageBytes = 1 << 30

    public init(settings: Coordinator.Settings, hooks: Coordinator.Hooks = Coordinator.Hooks(), context: MessageContext) {
        self.settings = settings
        self.hooks = hooks
        self.context = context
    }

    /// Runs until every trial is finished or failed for good, or `stop` is requested.
    public func run(_ source: TrialSource, stop: StopRequest = StopRequest()) throws -> Summary {
        try TrialCoordinatorSession(coordinator: self, source: source, stop: stop).run()
    }
}

final class TrialCoordinatorSession {
    private let coordinator: TrialCoordinator
    private let source: TrialSource
    private let stop: StopRequest
    private let socket: Socket
    private let scheduler: Scheduler
    private var names: [WorkerKey: String] = [:]
    private var summary = TrialCoordinator.Summary()
    private var workersSeen = Set<WorkerKey>()
    private var lastHeartbeat = -Double.infinity
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(coordinator: TrialCoordinator, source: TrialSource, stop: StopRequest) throws {
        self.coordinator = coordinator
        self.source = source
        self.stop = stop
        start = clock.now
        let settings = coordinator.settings
        scheduler = Scheduler(settings: .init(maxAttempts: settings.maxAttempts, leaseSeconds: settings.leaseSeconds,
                                              workerTimeoutSeconds: settings.workerTimeoutSeconds))
        socket = try ListeningRouter.bind(settings: settings, context: coordinator.context, hooks: coordinator.hooks,
                                          maxMessageBytes: coordinator.maxMessageBytes)
    }

    private var now: Double { (clock.now - start).seconds }
    private func log(_ line: String) { coordinator.hooks.log(line) }
    private func name(_ worker: WorkerKey) -> String { names[worker] ?? worker.description }

    func run() throws -> TrialCoordinator.Summary {
        let limits = ReceiveLimits(maxFrames: WireMessage.maxFrames + 1, maxTotalBytes: coordinator.maxMessageBytes)
        while source.hasMoreTrials || scheduler.outstandingCount > 0 {
            if let reason = stop.reason {
                // Trials in flight are left unfinished: --resume runs them again from their last checkpoint.
                summary.stopped = reason
                log("stopping on \(reason): \(scheduler.outstandingCount) trial(s) queued or running are left for --resume")
                break
            }
            do {
                try ListeningRouter.receiveTurn(on: socket, limits: limits, handle)
            } catch let error as MessagingError {
                log("dropped a message: \(error)")
            }
            try coordinator.hooks.onTurn()
            let (failures, gone) = scheduler.expire(now: now)
            for worker in gone { log("worker \(name(worker)) timed out") }
            try failures.forEach(record)
            // A trial is drawn only when a worker can take it, so TPE learns from every result so far.
            while scheduler.queuedCount < scheduler.totalCredit, let trial = try source.nextTrial() { scheduler.add(tile: trial) }
            try dispatch()
            if now - lastHeartbeat >= coordinator.settings.heartbeatSeconds {
                lastHeartbeat = now
                for worker in workersSeen where scheduler.isKnown(worker) { send(to: worker, WireMessage.heartbeat.frames()) }
            }
        }
        if summary.stopped == nil {
            for worker in workersSeen { try? socket.send([worker.identity] + WireMessage.bye(reason: "search complete").frames(), dontWait: true) }
        }
        summary.workersSeen = workersSeen.count
        return summary
    }

    private func handle(_ frames: [[UInt8]]) throws {
        guard frames.count >= 2 else { return log("dropped a message of \(frames.count) frames") }
        let worker = WorkerKey(identity: frames[0])
        let message: WireMessage
        do { message = try WireMessage(frames: Array(frames.dropFirst())) } catch {
            return log("dropped a message from \(worker): \(error)")
        }
        let known = scheduler.isKnown(worker)
        switch message {
        case .hello(let hello) where hello.capabilities & WorkerCapability.trials == 0:
            log("worker \(hello.name) cannot train trials; told to leave")
            send(to: worker, WireMessage.bye(reason: "this coordinator runs training trials, which this worker cannot train").frames())
        case .hello(let hello):
            // No model to ship: a trial worker holds one trial at a time.
            guard !known else { return }
            scheduler.join(worker, now: now)
            scheduler.ready(worker, credit: 1, now: now)
            names[worker] = hello.name
            workersSeen.insert(worker)
            log("worker \(hello.name) joined: \(hello.threads) threads")
        case .heartbeat where known, .ready where known:
            scheduler.seen(worker, now: now)
        case .progress(let progress) where known:
            if scheduler.progress(from: worker, tile: progress.trial, attempt: progress.attempt, now: now) {
                try source.progress(progress, worker: name(worker))
            }
        case .trialResult(let outcome) where known:
            switch scheduler.result(from: worker, tile: outcome.trial, attempt: outcome.attempt, now: now) {
            case .accepted: try source.finished(outcome, worker: name(worker))
            case .rejected(let why):
                summary.resultsRejected += 1
                log("rejected a result from \(name(worker)): \(why)")
            }
        case .failure(let failure) where known:
            if let failed = scheduler.failure(from: worker, tile: failure.tileIndex, attempt: failure.attempt, message: failure.message, now: now) {
                try record(failed)
            }
        case .bye(let reason) where known:
            let handedBack = scheduler.handBack(worker)
            log("worker \(name(worker)) left: \(reason)" + (handedBack.isEmpty ? "" : "; trial(s) \(handedBack.map(String.init).joined(separator: ", ")) handed back"))
        case .ready, .heartbeat, .failure, .bye, .progress, .trialResult:
            // From a worker we dropped (it went silent) or do not know (we restarted): start over.
            send(to: worker, WireMessage.reset.frames())
        case .result, .windowResult:
            log("dropped a tile result from worker \(worker): this coordinator runs trials, not tiles")
        case .model, .job, .reset, .trial, .windowJob:
            log("dropped a \(message) message from worker \(worker): only the coordinator sends those")
        }
    }

    private func record(_ failure: Scheduler.Failure) throws {
        summary.attemptsFailed += 1
        // The scheduler names workers by socket identity; the search's log names them as they call themselves.
        var reason = failure.reason
        for (key, name) in names { reason = reason.replacingOccurrences(of: key.description, with: name) }
        try source.failed(trial: failure.tile, attempt: failure.attempt, reason: reason, final: failure.quarantined)
    }

    private func dispatch() throws {
        for assignment in scheduler.assignments(now: now) {
            let job = try source.job(trial: assignment.tile, attempt: assignment.attempt, worker: name(assignment.worker))
            send(to: assignment.worker, WireMessage.trial(job).frames())
        }
    }

    private func send(to worker: WorkerKey, _ frames: [[UInt8]]) {
        do {
            try socket.send([worker.identity] + frames, dontWait: true)
        } catch {
            log("cannot reach worker \(name(worker)): \(error)")
            for failure in scheduler.remove(worker, reason: "worker \(name(worker)) unreachable") { try? record(failure) }
        }
    }
}
