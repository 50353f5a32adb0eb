import Foundation
import Messaging
import Raster
import Scene

/// One run of the coordinator: the socket, the scheduler, the stitcher, the journal and the loop
/// that ties them. Everything here runs on the thread that called `run`.
final class CoordinatorSession {
    private let coordinator: Coordinator
    private let socket: Socket
    private let grid: TileGrid
    private let scheduler: Scheduler
    /// Released before the COG is written (its row buffer is one of the largest allocations).
    private var feeder: TileFeeder!
    private let writer: ProbabilityRasterWriter
    private let journal: Journal
    private let stitcher: Stitcher
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let modelFrames: [[UInt8]]

    /// Pixels of tiles queued or running, kept for retries until committed.
    private var inputs: [Int: TileInput] = [:]
    private var tilesByIndex: [Int: Tile] = [:]
    private var planned = 0, committed = 0, resumed = 0, failedAttempts = 0, rejected = 0
    private var dispatched: [Int] = []
    private var workersSeen = Set<WorkerKey>()
    private var computeMicroseconds = 0
    private var lastHeartbeat = -Double.infinity, lastProgress = -Double.infinity
    private var timings = RunReport.Timings()

    init(coordinator: Coordinator, context: MessageContext) throws {
        self.coordinator = coordinator
        start = clock.now
        let settings = coordinator.settings, stack = coordinator.stack, options = coordinator.options
        grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        scheduler = Scheduler(settings: .init(maxAttempts: settings.maxAttempts, leaseSeconds: settings.leaseSeconds,
                                              workerTimeoutSeconds: settings.workerTimeoutSeconds))
        feeder = TileFeeder(reader: try TileRowReader(stack: stack, grid: grid, padding: options.padding), grid: grid)
        let identity = Journal.RunIdentity(width: grid.width, height: grid.height, geoTransform: stack.grid.geoTransform.coefficients,
                                           tiling: grid, classes: coordinator.package.classNames, modelSHA256: coordinator.package.digest)
        journal = try Journal(outputDirectory: coordinator.outputDirectory, identity: identity, resume: settings.resume)
        writer = try ProbabilityRasterWriter(path: "\(coordinator.outputDirectory)/probabilities.tif", grid: stack.grid,
                                             classNames: coordinator.package.classNames, durable: true, resume: settings.resume)
        stitcher = try Stitcher(grid: grid, classCount: coordinator.package.classNames.count, window: options.window,
                                sink: JournalingSink(writer: writer, journal: journal, step: grid.step), finishedStrips: journal.writtenStrips)
        modelFrames = WireMessage.model(coordinator.package).frames()

        socket = try Socket(.router, in: context)
        try socket.setLinger(.immediate)
        try socket.setRouterMandatory(true)
        // Results are classes x tile^2 bytes; anything far larger is hostile or broken.
        try socket.setMaxMessageSize(max(64 << 20, 4 * coordinator.package.classNames.count * options.tileSize * options.tileSize))
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

    private var now: Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func log(_ line: String) { coordinator.hooks.log(line) }

    func run() throws -> DistributedRunReport {
        let limits = ReceiveLimits(maxFrames: WireMessage.maxFrames + 1, maxTotalBytes: 256 << 20)
        while !isFinished {
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
        for worker in workersSeen { try? socket.send([worker.identity] + WireMessage.bye(reason: "run complete").frames(), dontWait: true) }
        try stitcher.finish()
        let skippedWithoutData = feeder.skippedWithoutData
        feeder = nil
        let cogStart = now
        try writer.finish()
        timings.cogSeconds = now - cogStart
        timings.totalSeconds = now
        journal.remove()
        emitProgress(force: true, skippedWithoutData: skippedWithoutData)
        return report(skippedWithoutData: skippedWithoutData)
    }

    private var isFinished: Bool { feeder.isExhausted && inputs.isEmpty && scheduler.outstandingCount == 0 }

    // MARK: Messages

    /// Throws only when the run cannot go on (the journal or the output cannot be written).
    private func handle(_ frames: [[UInt8]]) throws {
        guard frames.count >= 2 else { return log("dropped a message of \(frames.count) frames") }
        let worker = WorkerKey(identity: frames[0])
        let message: WireMessage
        do {
            message = try WireMessage(frames: Array(frames.dropFirst()), maxTileSize: grid.tileSize)
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
            log("worker \(worker) left: \(reason)")
            scheduler.remove(worker, reason: "worker left: \(reason)").forEach(record)
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
            rejected += 1
            log("rejected a result from \(worker): \(why)")
        case .accepted:
            guard let input = inputs[result.tileIndex], let tile = tilesByIndex[result.tileIndex],
                  result.classCount == coordinator.package.classNames.count, result.size == grid.tileSize else {
                rejected += 1
                return log("rejected a result from \(worker) for tile \(result.tileIndex): wrong shape")
            }
            try journal.recordCommit(tile: tile.index, probabilities: result.probabilities, validity: input.validity)
            let stitchStart = now
            try stitcher.commit(tile, probabilities: result.probabilities, validity: input.validity)
            timings.stitchSeconds += now - stitchStart
            inputs[tile.index] = nil
            tilesByIndex[tile.index] = nil
            committed += 1
            computeMicroseconds += result.computeMicroseconds
        }
    }

    private func record(_ failure: Scheduler.Failure) {
        failedAttempts += 1
        log("tile \(failure.tile) attempt \(failure.attempt) failed: \(failure.reason)" + (failure.quarantined ? "; quarantined" : "; retrying"))
        guard failure.quarantined, let tile = tilesByIndex[failure.tile] else { return }
        inputs[failure.tile] = nil
        tilesByIndex[failure.tile] = nil
        do { try stitcher.withdraw(tile) } catch { log("could not withdraw tile \(tile.index): \(error)") }
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
        while scheduler.queuedCount < target {
            let readStart = now
            guard let (tile, input) = try feeder.next(plan: { row, tiles in
                try stitcher.plan(tileRow: row, tiles: tiles)
                planned += tiles.count
            }) else { break }
            timings.readSeconds += now - readStart
            if journal.hasOutput(of: tile.index) {
                let (probabilities, validity) = try journal.output(of: tile.index)
                try stitcher.commit(tile, probabilities: probabilities, validity: validity)
                resumed += 1
            } else if stitcher.isSettled(tile) {
                // Resuming: every strip it touches is already in the output.
                try stitcher.withdraw(tile)
                resumed += 1
            } else {
                inputs[tile.index] = input
                tilesByIndex[tile.index] = tile
                scheduler.add(tile: tile.index)
            }
        }
    }

    private func dispatch() {
        for assignment in scheduler.assignments(now: now) {
            guard let input = inputs[assignment.tile] else { continue }
            dispatched.append(assignment.tile)
            let job = Job(tileIndex: assignment.tile, attempt: assignment.attempt,
                          input: RawTile(bandCount: input.bandCount, size: input.size, values: input.values, validity: input.validity))
            send(to: assignment.worker, WireMessage.job(job).frames())
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
        emitProgress(force: false)
    }

    private func emitProgress(force: Bool, skippedWithoutData: Int? = nil) {
        guard force || now - lastProgress >= 1 else { return }
        lastProgress = now
        let skipped = skippedWithoutData ?? feeder.skippedWithoutData
        coordinator.hooks.progress(RunProgress(tilesDone: committed + resumed, tilesSkipped: skipped + scheduler.quarantined.count,
                                               tilesTotal: grid.count, elapsed: now, workersConnected: scheduler.workerCount))
    }

    private func report(skippedWithoutData: Int) -> DistributedRunReport {
        let stack = coordinator.stack
        let run = RunReport(grid: stack.grid, tiling: grid, bands: stack.bandNames, classes: coordinator.package.classNames,
                            tilesTotal: grid.count, tilesCommitted: committed + resumed, tilesSkipped: skippedWithoutData,
                            outputs: [writer.path], timings: timings)
        let quarantined = scheduler.quarantined.keys.sorted().map { index -> DistributedRunReport.QuarantinedTile in
            let tile = grid.tile(index: index)
            return .init(tile: index, row: tile.row, col: tile.col, reasons: scheduler.quarantined[index] ?? [])
        }
        return DistributedRunReport(run: run, workersSeen: workersSeen.count, tilesResumed: resumed, tilesDispatched: dispatched,
                                    attemptsFailed: failedAttempts, resultsRejected: rejected, quarantinedTiles: quarantined,
                                    workerComputeSeconds: Double(computeMicroseconds) / 1e6)
    }
}
