import Foundation
import Messaging
import Raster
import Scene

/// One run of the coordinator: the socket, the scheduler and the loop that ties them to a
/// `SceneRun`. Everything here runs on the thread that called `run`.
final class CoordinatorSession {
    private let coordinator: Coordinator
    private let run: SceneRun
    private let socket: Socket
    private let scheduler: Scheduler
    private let modelFrames: [[UInt8]]

    /// Pixels of tiles queued or running, kept for retries until committed.
    private var inputs: [Int: TileInput] = [:]
    private var summary = ExecutionSummary()
    private var workersSeen = Set<WorkerKey>()
    private var lastHeartbeat = -Double.infinity

    init(coordinator: Coordinator, run: SceneRun) throws {
        self.coordinator = coordinator
        self.run = run
        let settings = coordinator.settings
        scheduler = Scheduler(settings: .init(maxAttempts: settings.maxAttempts, leaseSeconds: settings.leaseSeconds,
                                              workerTimeoutSeconds: settings.workerTimeoutSeconds))
        modelFrames = WireMessage.model(run.package).frames()

        socket = try Socket(.router, in: coordinator.context)
        try socket.setLinger(.immediate)
        try socket.setRouterMandatory(true)
        // Results are classes x tile^2 bytes; anything far larger is hostile or broken.
        try socket.setMaxMessageSize(max(64 << 20, 4 * run.package.classNames.count * run.grid.tileSize * run.grid.tileSize))
        try socket.setHeartbeatInterval(.seconds(1))
        try socket.setHeartbeatTimeout(.seconds(5))
        try socket.setHeartbeatTTL(.seconds(10))
        try coordinator.hooks.prepareSocket(socket)
        var listening: [Endpoint] = []
        for endpoint in settings.endpoints {
            try socket.bind(endpoint)
            listening.append(try socket.lastEndpoint ?? endpoint)
        }
        coordinator.hooks.onListening(listening)
    }

    private var now: Double { run.elapsed }

    private func log(_ line: String) { coordinator.hooks.log(line) }

    func execute() throws -> ExecutionSummary {
        let limits = ReceiveLimits(maxFrames: WireMessage.maxFrames + 1, maxTotalBytes: 256 << 20)
        while !isFinished {
            if let reason = run.stop.reason {
                // Stop dispatching; tiles in flight are not committed, so --resume redoes them.
                // No BYE: workers elsewhere keep waiting and reconnect to the resumed coordinator.
                summary.stopped = reason
                log("stopping on \(reason): no more jobs; \(scheduler.outstandingCount) tile(s) queued or running are left for --resume")
                break
            }
            do {
                if let frames = try socket.receive(within: .milliseconds(20), limits: limits) {
                    try handle(frames)
                    // Drain what else is waiting before doing housekeeping.
                    while let more = try socket.receive(within: .zero, limits: limits) { try handle(more) }
                }
            } catch let error as MessagingError {
                log("dropped a message: \(error)")
            }
            try coordinator.hooks.onTurn()
            try expireAndRetry()
            try refill()
            dispatch()
            housekeeping()
        }
        if summary.stopped == nil {
            for worker in workersSeen { try? socket.send([worker.identity] + WireMessage.bye(reason: "run complete").frames(), dontWait: true) }
        }
        summary.workersSeen = workersSeen.count
        summary.quarantinedTiles = scheduler.quarantined.keys.sorted().map { index in
            let tile = run.grid.tile(index: index)
            return .init(tile: index, row: tile.row, col: tile.col, reasons: scheduler.quarantined[index] ?? [])
        }
        return summary
    }

    private var isFinished: Bool { !run.hasMoreTiles && inputs.isEmpty && scheduler.outstandingCount == 0 }

    // MARK: Messages

    /// Throws only when the run cannot go on (the journal or the output cannot be written).
    private func handle(_ frames: [[UInt8]]) throws {
        guard frames.count >= 2 else { return log("dropped a message of \(frames.count) frames") }
        let worker = WorkerKey(identity: frames[0])
        let message: WireMessage
        do {
            message = try WireMessage(frames: Array(frames.dropFirst()), maxTileSize: run.grid.tileSize)
        } catch {
            return log("dropped a message from \(worker): \(error)")
        }
        let known = scheduler.isKnown(worker)
        switch message {
        case .hello(let hello):
            scheduler.join(worker, now: now)
            workersSeen.insert(worker)
            log("worker \(worker) joined: \(hello.name), \(hello.threads) threads")
            send(to: worker, modelFrames)
        case .ready(let credit) where known:
            scheduler.ready(worker, credit: credit, now: now)
        case .heartbeat where known:
            scheduler.seen(worker, now: now)
        case .result(let result) where known:
            try accept(result, from: worker)
        case .failure(let failure) where known:
            if let failed = scheduler.failure(from: worker, tile: failure.tileIndex, attempt: failure.attempt, message: failure.message, now: now) {
                record(failed)
            }
        case .bye(let reason) where known:
            // A worker leaving hands its jobs back: they go first in the queue and count no failure.
            let handedBack = scheduler.handBack(worker)
            log("worker \(worker) left: \(reason)" + (handedBack.isEmpty ? "" : "; tile(s) \(handedBack.map(String.init).joined(separator: ", ")) handed back"))
        case .result(let result):
            // A worker we dropped (it went silent, e.g. stopped) finished late: its attempt was
            // given to someone else, so the result is refused by attempt id.
            try accept(result, from: worker)
            send(to: worker, WireMessage.reset.frames())
        case .ready, .heartbeat, .failure, .bye:
            // From a worker we do not know (timed out, or we restarted): ask it to start over.
            send(to: worker, WireMessage.reset.frames())
        case .model, .job, .reset:
            log("dropped a \(message) message from worker \(worker): only the coordinator sends those")
        }
    }

    private func accept(_ result: JobResult, from worker: WorkerKey) throws {
        switch scheduler.result(from: worker, tile: result.tileIndex, attempt: result.attempt, now: now) {
        case .rejected(let why):
            summary.resultsRejected += 1
            log("rejected a result from \(worker): \(why)")
        case .accepted:
            guard let input = inputs[result.tileIndex], result.classCount == run.package.classNames.count,
                  result.size == run.grid.tileSize else {
                summary.resultsRejected += 1
                return log("rejected a result from \(worker) for tile \(result.tileIndex): wrong shape")
            }
            try run.commit(input.tile, probabilities: result.probabilities, validity: input.validity)
            inputs[result.tileIndex] = nil
            summary.modelSeconds += Double(result.computeMicroseconds) / 1e6
        }
    }

    private func record(_ failure: Scheduler.Failure) {
        summary.attemptsFailed += 1
        log("tile \(failure.tile) attempt \(failure.attempt) failed: \(failure.reason)" + (failure.quarantined ? "; quarantined" : "; retrying"))
        guard failure.quarantined, let input = inputs.removeValue(forKey: failure.tile) else { return }
        do { try run.withdraw(input.tile) } catch { log("could not withdraw tile \(failure.tile): \(error)") }
    }

    private func send(to worker: WorkerKey, _ frames: [[UInt8]]) {
        do {
            try socket.send([worker.identity] + frames, dontWait: true)
        } catch {
            // EHOSTUNREACH: the peer is gone (ROUTER_MANDATORY tells us instead of dropping).
            log("cannot reach worker \(worker): \(error)")
            scheduler.remove(worker, reason: "unreachable").forEach(record)
        }
    }

    // MARK: Work

    private func refill() throws {
        // Enough cut tiles to answer every free credit at once; more would only hold pixels.
        let target = max(2, scheduler.totalCredit * coordinator.settings.queuedPerCredit)
        // Never waits for the reading thread: the socket must be served meanwhile.
        while scheduler.queuedCount < target, let input = try run.nextTile(waiting: false) {
            inputs[input.tile.index] = input
            scheduler.add(tile: input.tile.index)
        }
    }

    private func dispatch() {
        for assignment in scheduler.assignments(now: now) {
            guard let input = inputs[assignment.tile] else { continue }
            summary.tilesDispatched.append(assignment.tile)
            let job = Job(tile: input.tile, attempt: assignment.attempt,
                          input: RawTile(bandCount: input.bandCount, size: input.size, values: input.values, validity: input.validity))
            do {
                try assignment.worker.identity.withUnsafeBytes { identity in
                    try WireMessage.withJobFrames(job) { try socket.send(parts: [identity] + $0, dontWait: true) }
                }
            } catch {
                log("cannot reach worker \(assignment.worker): \(error)")
                scheduler.remove(assignment.worker, reason: "unreachable").forEach(record)
            }
        }
    }

    private func expireAndRetry() throws {
        let (failures, gone) = scheduler.expire(now: now)
        for worker in gone { log("worker \(worker) timed out") }
        failures.forEach(record)
    }

    private func housekeeping() {
        if now - lastHeartbeat >= coordinator.settings.heartbeatSeconds {
            lastHeartbeat = now
            for worker in workersSeen where scheduler.isKnown(worker) { send(to: worker, WireMessage.heartbeat.frames()) }
        }
        run.workersConnected = scheduler.workerCount
        run.reportProgress()
    }
}
