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

    /// Tiles queued or running until committed. Pixel mode: queued tiles hold their pixels; once
    /// sent, only the weight mask is kept (a retry reads the tile again, see `SceneRun.reread`).
    private var inputs: [Int: TileInput] = [:]
    /// Shared storage: tiles queued or running (workers read their pixels) and the recipe JOBs carry.
    private var windows: [Int: Tile] = [:]
    private var recipe: [UInt8] = []
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
        if run.data == .shared { recipe = SceneRecipe(stack: run.stack, grid: run.grid, padding: run.options.padding).encoded() }

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

    private var isFinished: Bool { !run.hasMoreTiles && inputs.isEmpty && windows.isEmpty && scheduler.outstandingCount == 0 }

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
        case .windowResult(let result) where known:
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
        case .windowResult(let result):
            try accept(result, from: worker)
            send(to: worker, WireMessage.reset.frames())
        case .ready, .heartbeat, .failure, .bye:
            // From a worker we do not know (timed out, or we restarted): ask it to start over.
            send(to: worker, WireMessage.reset.frames())
        case .model, .job, .reset, .windowJob:
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

    private func accept(_ result: WindowResult, from worker: WorkerKey) throws {
        switch scheduler.result(from: worker, tile: result.tileIndex, attempt: result.attempt, now: now) {
        case .rejected(let why):
            summary.resultsRejected += 1
            log("rejected a result from \(worker): \(why)")
        case .accepted:
            guard let tile = windows[result.tileIndex], result.size == run.grid.tileSize,
                  !result.hasData || result.classCount == run.package.classNames.count else {
                summary.resultsRejected += 1
                return log("rejected a result from \(worker) for tile \(result.tileIndex): wrong shape")
            }
            windows[result.tileIndex] = nil
            guard result.hasData else { return try run.skipWithoutData(tile) }
            try run.commit(tile, probabilities: result.probabilities, validity: result.validity)
            summary.modelSeconds += Double(result.computeMicroseconds) / 1e6
        }
    }

    private func record(_ failure: Scheduler.Failure) {
        summary.attemptsFailed += 1
        log("tile \(failure.tile) attempt \(failure.attempt) failed: \(failure.reason)" + (failure.quarantined ? "; quarantined" : "; retrying"))
        guard failure.quarantined, let tile = inputs.removeValue(forKey: failure.tile)?.tile ?? windows.removeValue(forKey: failure.tile) else { return }
        do { try run.withdraw(tile) } catch { log("could not withdraw tile \(failure.tile): \(error)") }
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
        // Enough tiles to answer every free credit at once; more would only hold pixels, and the
        // memory budget caps the pixels held whatever the number of workers.
        let target = max(2, scheduler.totalCredit * coordinator.settings.queuedPerCredit)
        if run.data == .shared {
            while scheduler.queuedCount < target, let tile = try run.nextWindow() {
                windows[tile.index] = tile
                scheduler.add(tile: tile.index)
            }
            return
        }
        while scheduler.queuedCount < min(target, run.memoryPlan.maxTilesInHand), let input = try run.nextTile() {
            inputs[input.tile.index] = input
            scheduler.add(tile: input.tile.index)
        }
    }

    private func dispatch() {
        for assignment in scheduler.assignments(now: now) {
            if let tile = windows[assignment.tile] {
                summary.tilesDispatched.append(assignment.tile)
                send(to: assignment.worker, WireMessage.windowJob(WindowJob(tile: tile, attempt: assignment.attempt, recipe: recipe)).frames())
                continue
            }
            guard var input = inputs[assignment.tile] else { continue }
            if input.values.isEmpty {
                // A retry: the pixels were dropped when the tile was first sent.
                do { input = try run.reread(input.tile) } catch {
                    // The attempt fails here, as if the worker had failed it (its credit comes back).
                    if let failed = scheduler.failure(from: assignment.worker, tile: assignment.tile, attempt: assignment.attempt,
                                                      message: "cannot read the tile again for a retry: \(error)", now: now) { record(failed) }
                    continue
                }
            }
            summary.tilesDispatched.append(assignment.tile)
            let job = Job(tile: input.tile, attempt: assignment.attempt,
                          input: RawTile(bandCount: input.bandCount, size: input.size, values: input.values, validity: input.validity))
            send(to: assignment.worker, WireMessage.job(job).frames())
            // Sent: keep only what commit needs (the weight mask), not the pixels.
            input.values = []
            inputs[assignment.tile] = input
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
