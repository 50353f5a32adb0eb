import Foundation
import Logging
import Messaging
import Raster
import Scene

/// One run of the coordinator: the socket, the scheduler and the loop that ties them to the
/// `SceneRun`s of a feed (one scene, or a batch). Everything here runs on the thread that called `run`;
/// a pixel-mode scene's tiles are read and cut ahead on its own reading thread (`TileReadAhead`).
///
/// Jobs are named by `BatchJobID`: `slot << 32 | tile index`, the slot counting the feed's scenes from 0, so a
/// single scene's jobs are its tile indices and a batch's scenes can have tiles out at once.
final class CoordinatorSession {
    private let coordinator: Coordinator
    private let feed: SceneRunFeed
    private let socket: Socket
    private let scheduler: Scheduler
    private let package: ModelPackage
    private let modelFrames: [[UInt8]]
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    /// A scene with tiles still to cut or out: its run and what the executor says of it.
    private final class ActiveScene {
        let run: SceneRun
        let slot: Int
        var summary = ExecutionSummary()
        /// Tiles cut and not yet committed or quarantined.
        var outstanding = 0
        /// Shared storage: the scene as WINDOW JOBs describe it (the same bytes for all its jobs).
        let recipe: [UInt8]
        init(run: SceneRun, slot: Int) {
            self.run = run
            self.slot = slot
            recipe = run.data == .shared ? SceneRecipe(stack: run.stack, grid: run.grid, padding: run.options.padding).encoded() : []
        }
    }

    /// The scene whose tiles are being cut; nil between scenes and once the feed is done.
    private var current: ActiveScene?
    private var feedDone = false
    /// Scenes not finished yet (the current one and those whose last tiles are out), by slot.
    private var active: [Int: ActiveScene] = [:]
    private var nextSlot = 0
    private var maxTileSize: Int
    private var maxMessageBytes = 0

    /// Tiles queued or running until committed, by job id. Pixel mode: queued tiles hold their
    /// pixels (they count against the budget's tiles in hand with those the reading thread holds);
    /// once sent, only the weight mask is kept (a retry reads the tile again, see `SceneRun.reread`).
    private var inputs: [Int: TileInput] = [:]
    /// Shared storage: tiles queued or running (workers read their pixels), by job id.
    private var windows: [Int: Tile] = [:]
    private var workersSeen = Set<WorkerKey>()
    private var lastHeartbeat = -Double.infinity
    /// Workers' names from their HELLO, for log metadata.
    private var workerNames: [WorkerKey: String] = [:]
    /// When each tile's current attempt was handed out (its latency ends at the commit).
    private var dispatchedAt: [Int: Double] = [:]
    private var logger: Logger
    private var metrics: any RunMetrics { coordinator.hooks.metrics }

    init(coordinator: Coordinator, feed: SceneRunFeed, first run: SceneRun) throws {
        start = clock.now
        self.coordinator = coordinator
        self.feed = feed
        logger = coordinator.hooks.logger
        let settings = coordinator.settings
        scheduler = Scheduler(settings: .init(maxAttempts: settings.maxAttempts, leaseSeconds: settings.leaseSeconds,
                                              workerTimeoutSeconds: settings.workerTimeoutSeconds))
        package = run.package
        modelFrames = WireMessage.model(run.package).frames()
        maxTileSize = run.grid.tileSize

        maxMessageBytes = Self.resultBytes(of: run)
        socket = try ListeningRouter.bind(settings: settings, context: coordinator.context, hooks: coordinator.hooks,
                                          maxMessageBytes: maxMessageBytes)
        current = try begin(run)
    }

    private var now: Double { (clock.now - start).seconds }

    /// Results are classes x tile^2 bytes; anything far larger is hostile or broken. A later scene
    /// of a batch with larger tiles raises the limit (for connections made from then on).
    private func allowResults(of run: SceneRun) throws {
        let bytes = Self.resultBytes(of: run)
        guard bytes > maxMessageBytes else { return }
        maxMessageBytes = bytes
        try socket.setMaxMessageSize(bytes)
    }

    private static func resultBytes(of run: SceneRun) -> Int {
        max(64 << 20, 4 * run.package.classNames.count * run.grid.tileSize * run.grid.tileSize)
    }

    private func begin(_ run: SceneRun) throws -> ActiveScene {
        guard run.package.digest == package.digest, run.package.classNames == package.classNames,
              run.package.normalization == package.normalization, run.package.options == package.options else {
            throw DistributedError(code: .modelMismatch, message: "\(run.outputDirectory): a scene of a batch must use the model of the first scene (the same model, classes, normalization and options)")
        }
        guard nextSlot < Coordinator.maxScenesPerBatch else {
            throw DistributedError(code: .batchTooLarge, message: "a batch serves at most \(Coordinator.maxScenesPerBatch) scenes; split the scene list")
        }
        try allowResults(of: run)
        maxTileSize = max(maxTileSize, run.grid.tileSize)
        let scene = ActiveScene(run: run, slot: nextSlot)
        // Lines about no tile in particular name the scene being cut; tile lines name their own.
        logger[metadataKey: LogKey.runID] = "\(run.runID)"
        coordinator.hooks.metrics.sceneTiles(run.grid.count)
        nextSlot += 1
        active[scene.slot] = scene
        return scene
    }

    private func scene(ofJob id: Int) -> ActiveScene? { active[BatchJobID.slot(of: id)] }

    /// Metadata naming a worker (its name once it said HELLO) and a tile's attempt.
    private func about(_ worker: WorkerKey?, tile: Int? = nil, attempt: Int? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if let worker {
            metadata[LogKey.workerKey] = "\(worker)"
            if let name = workerNames[worker] { metadata[LogKey.worker] = "\(name)" }
        }
        if let tile {
            metadata[LogKey.tile] = .stringConvertible(BatchJobID.tile(of: tile))
            if let scene = scene(ofJob: tile) { metadata[LogKey.runID] = "\(scene.run.runID)" }
        }
        if let attempt { metadata[LogKey.attempt] = .stringConvertible(attempt) }
        return metadata
    }

    func execute() throws {
        let limits = ReceiveLimits(maxFrames: WireMessage.maxFrames + 1, maxTotalBytes: 256 << 20)
        var stopped = false
        while !isFinished {
            if let reason = feed.stop.reason {
                // Stop dispatching; tiles in flight are not committed, so --resume redoes them.
                // No BYE: workers elsewhere keep waiting and reconnect to the resumed coordinator.
                logger.notice("stopping on \(reason): no more jobs; \(scheduler.outstandingCount) tile(s) queued or running are left for --resume")
                for scene in active.values.sorted(by: { $0.slot < $1.slot }) {
                    scene.summary.stopped = reason
                    finish(scene)
                }
                stopped = true
                break
            }
            do {
                try ListeningRouter.receiveTurn(on: socket, limits: limits, handle)
            } catch let error as MessagingError {
                logger.warning("dropped a message: \(error)")
            }
            try coordinator.hooks.onTurn()
            try expireAndRetry()
            try refill()
            dispatch()
            housekeeping()
        }
        if !stopped {
            for worker in workersSeen { try? socket.send([worker.identity] + WireMessage.bye(reason: "run complete").frames(), dontWait: true) }
        }
    }

    private var isFinished: Bool { feedDone && current == nil && active.isEmpty && inputs.isEmpty && windows.isEmpty && scheduler.outstandingCount == 0 }

    /// A scene with every tile cut, committed or quarantined goes to the feed to be finished.
    private func finishIfDone(_ scene: ActiveScene) {
        guard scene !== current, scene.outstanding == 0 else { return }
        finish(scene)
    }

    private func finish(_ scene: ActiveScene) {
        scene.summary.workersSeen = workersSeen.count
        scene.summary.quarantinedTiles = scheduler.quarantined.keys.filter { BatchJobID.slot(of: $0) == scene.slot }.sorted().map { id in
            let tile = scene.run.grid.tile(index: BatchJobID.tile(of: id))
            return .init(tile: tile.index, row: tile.row, col: tile.col, reasons: scheduler.quarantined[id] ?? [])
        }
        active[scene.slot] = nil
        feed.runFinished(scene.run, execution: scene.summary)
    }

    // MARK: Messages

    /// Throws only when the run cannot go on (the journal or the output cannot be written).
    private func handle(_ frames: [[UInt8]]) throws {
        // The first frame is the ROUTER's name for the sender, not part of what it sent.
        metrics.received(bytes: frames.dropFirst().reduce(0) { $0 + $1.count })
        guard frames.count >= 2 else { return logger.warning("dropped a message of \(frames.count) frames") }
        let worker = WorkerKey(identity: frames[0])
        let message: WireMessage
        do {
            message = try WireMessage(frames: Array(frames.dropFirst()), maxTileSize: maxTileSize)
        } catch {
            return logger.warning("dropped a message from \(worker): \(error)", metadata: about(worker))
        }
        let known = scheduler.isKnown(worker)
        switch message {
        case .hello(let hello):
            scheduler.join(worker, now: now)
            workersSeen.insert(worker)
            workerNames[worker] = hello.name
            logger.info("worker \(worker) joined: \(hello.name), \(hello.threads) threads", metadata: about(worker))
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
                record(failed, worker: worker)
            }
        case .bye(let reason) where known:
            // A worker leaving hands its jobs back: they go first in the queue and count no failure.
            let handedBack = scheduler.handBack(worker)
            let handedBackText = handedBack.isEmpty ? "" : "; tile(s) \(handedBack.map(String.init).joined(separator: ", ")) handed back"
            logger.info("worker \(worker) left: \(reason)\(handedBackText)", metadata: about(worker))
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
        case .model, .job, .reset, .trial, .windowJob:
            logger.warning("dropped a \(message) message from worker \(worker): only the coordinator sends those", metadata: about(worker))
        case .progress, .trialResult:
            logger.warning("dropped a trial message from worker \(worker): this coordinator runs tiles, not trials", metadata: about(worker))
        }
    }

    private func accept(_ result: JobResult, from worker: WorkerKey) throws {
        guard let scene = acceptedScene(job: result.tileIndex, attempt: result.attempt, from: worker, shapeFits: { _ in
            inputs[result.tileIndex].map { result.classCount == package.classNames.count && result.size == $0.size } ?? false
        }), let input = inputs.removeValue(forKey: result.tileIndex) else { return }
        try scene.run.commit(input.tile, probabilities: result.probabilities, validity: input.validity)
        let latency = countCommitted(scene, job: result.tileIndex, computeMicroseconds: result.computeMicroseconds)
        logger.debug("tile \(input.tile.index) attempt \(result.attempt) committed from worker \(worker) in \(String(format: "%.3f", latency)) s",
                     metadata: about(worker, tile: result.tileIndex, attempt: result.attempt))
        scene.outstanding -= 1
        finishIfDone(scene)
    }

    private func accept(_ result: WindowResult, from worker: WorkerKey) throws {
        guard let scene = acceptedScene(job: result.tileIndex, attempt: result.attempt, from: worker, shapeFits: { scene in
            windows[result.tileIndex] != nil && result.size == scene.run.grid.tileSize
                && (!result.hasData || result.classCount == package.classNames.count)
        }), let tile = windows.removeValue(forKey: result.tileIndex) else { return }
        if result.hasData {
            try scene.run.commit(tile, probabilities: result.probabilities, validity: result.validity)
            countCommitted(scene, job: result.tileIndex, computeMicroseconds: result.computeMicroseconds)
        } else {
            try scene.run.skipWithoutData(tile)
            dispatchedAt[result.tileIndex] = nil
        }
        scene.outstanding -= 1
        finishIfDone(scene)
    }

    /// Counts a committed tile's model time and its latency since it was sent, in the scene's
    /// summary and the metrics; returns the latency.
    @discardableResult
    private func countCommitted(_ scene: ActiveScene, job: Int, computeMicroseconds: Int) -> Double {
        let modelSeconds = Double(computeMicroseconds) / 1e6
        scene.summary.modelSeconds += modelSeconds
        let latency = now - (dispatchedAt.removeValue(forKey: job) ?? now)
        metrics.tileCommitted(latencySeconds: latency, modelSeconds: modelSeconds)
        return latency
    }

    /// The scene a result (of either kind) is committed to, once the scheduler accepted it from
    /// `worker` and `shapeFits` its scene; nil, with the rejection counted and logged, otherwise.
    private func acceptedScene(job: Int, attempt: Int, from worker: WorkerKey, shapeFits: (ActiveScene) -> Bool) -> ActiveScene? {
        let scene = scene(ofJob: job)
        let metadata = about(worker, tile: job, attempt: attempt)
        switch scheduler.result(from: worker, tile: job, attempt: attempt, now: now) {
        case .rejected(let why):
            scene?.summary.resultsRejected += 1
            logger.warning("rejected a result from \(worker): \(why)", metadata: metadata)
            return nil
        case .accepted:
            guard let scene, shapeFits(scene) else {
                scene?.summary.resultsRejected += 1
                logger.warning("rejected a result from \(worker) for tile \(BatchJobID.tile(of: job)): wrong shape", metadata: metadata)
                return nil
            }
            return scene
        }
    }

    private func record(_ failure: Scheduler.Failure, worker: WorkerKey? = nil) {
        let scene = scene(ofJob: failure.tile)
        scene?.summary.attemptsFailed += 1
        metrics.attemptFailed(quarantined: failure.quarantined)
        let metadata = about(worker, tile: failure.tile, attempt: failure.attempt)
        logger.warning("tile \(BatchJobID.tile(of: failure.tile)) attempt \(failure.attempt) failed: \(failure.reason)\(failure.quarantined ? "; quarantined" : "; retrying")",
                       metadata: metadata)
        guard failure.quarantined, let scene,
              let tile = inputs.removeValue(forKey: failure.tile)?.tile ?? windows.removeValue(forKey: failure.tile) else { return }
        dispatchedAt[failure.tile] = nil
        do { try scene.run.withdraw(tile) } catch { logger.error("could not withdraw tile \(tile.index): \(error)", metadata: metadata) }
        scene.outstanding -= 1
        finishIfDone(scene)
    }

    private func send(to worker: WorkerKey, _ frames: [[UInt8]]) {
        do {
            try socket.send([worker.identity] + frames, dontWait: true)
            metrics.sent(bytes: frames.reduce(0) { $0 + $1.count })
        } catch {
            // EHOSTUNREACH: the peer is gone (ROUTER_MANDATORY tells us instead of dropping).
            logger.warning("cannot reach worker \(worker): \(error)", metadata: about(worker))
            scheduler.remove(worker, reason: "unreachable").forEach { record($0, worker: worker) }
        }
    }

    // MARK: Work

    private func refill() throws {
        // Enough tiles to answer every free credit at once; more would only hold pixels, and the
        // memory budget caps the pixels held whatever the number of workers.
        let target = max(2, scheduler.totalCredit * coordinator.settings.queuedPerCredit)
        while scheduler.queuedCount < target, let scene = try cuttingScene() {
            if scene.run.data == .shared {
                guard let tile = try scene.run.nextWindow() else {
                    // Its last tile is out: the next scene's tiles follow at once.
                    current = nil
                    finishIfDone(scene)
                    continue
                }
                let id = BatchJobID.make(slot: scene.slot, tile: tile.index)
                windows[id] = tile
                scene.outstanding += 1
                scheduler.add(tile: id)
                continue
            }
            // The reading thread cuts ahead within the budget's tiles in hand (those queued here
            // count until sent); when it has none ready, the next turn takes them.
            let input: TileInput
            switch try scene.run.nextTile(waiting: false) {
            case .tile(let next): input = next
            case .notYet: return
            case .done:
                current = nil
                finishIfDone(scene)
                continue
            }
            let id = BatchJobID.make(slot: scene.slot, tile: input.tile.index)
            inputs[id] = input
            scene.outstanding += 1
            scheduler.add(tile: id)
        }
    }

    /// The scene to cut tiles from, opening the feed's next one when the current one is done.
    private func cuttingScene() throws -> ActiveScene? {
        if current == nil && !feedDone {
            if let run = try feed.nextRun() { current = try begin(run) } else { feedDone = true }
        }
        return current
    }

    private func dispatch() {
        for assignment in scheduler.assignments(now: now) {
            guard let scene = scene(ofJob: assignment.tile) else { continue }
            if let tile = windows[assignment.tile] {
                scene.summary.tilesDispatched.append(tile.index)
                dispatchedAt[assignment.tile] = now
                // The job carries the job id as its tile index (the tile's own index in a single scene).
                let place = Tile(index: assignment.tile, row: tile.row, col: tile.col, window: tile.window, core: tile.core)
                send(to: assignment.worker, WireMessage.windowJob(WindowJob(tile: place, attempt: assignment.attempt, recipe: scene.recipe)).frames())
                continue
            }
            guard var input = inputs[assignment.tile] else { continue }
            // Pixels from the reading thread count against the tiles in hand until sent; a
            // retry's are read here and dropped once sent.
            let fromReadAhead = !input.values.isEmpty
            if !fromReadAhead {
                // A retry: the pixels were dropped when the tile was first sent.
                do { input = try scene.run.reread(input.tile) } catch {
                    // The attempt fails here, as if the worker had failed it (its credit comes back).
                    if let failed = scheduler.failure(from: assignment.worker, tile: assignment.tile, attempt: assignment.attempt,
                                                      message: "cannot read the tile again for a retry: \(error)", now: now) {
                        record(failed, worker: assignment.worker)
                    }
                    continue
                }
            }
            scene.summary.tilesDispatched.append(input.tile.index)
            dispatchedAt[assignment.tile] = now
            let tile = Tile(index: assignment.tile, row: input.tile.row, col: input.tile.col, window: input.tile.window, core: input.tile.core)
            let job = Job(tile: tile, attempt: assignment.attempt,
                          input: RawTile(bandCount: input.bandCount, size: input.size, values: input.values, validity: input.validity))
            do {
                let bytes = try assignment.worker.identity.withUnsafeBytes { identity in
                    try WireMessage.withJobFrames(job) { parts in
                        try socket.send(parts: [identity] + parts, dontWait: true)
                        return parts.reduce(0) { $0 + $1.count }
                    }
                }
                metrics.sent(bytes: bytes)
            } catch {
                logger.warning("cannot reach worker \(assignment.worker): \(error)", metadata: about(assignment.worker))
                for failure in scheduler.remove(assignment.worker, reason: "unreachable") { record(failure, worker: assignment.worker) }
            }
            // Sent: keep only what commit needs (the weight mask), not the pixels.
            input.values = []
            inputs[assignment.tile] = input
            if fromReadAhead { scene.run.releaseTile() }
        }
    }

    private func expireAndRetry() throws {
        let (failures, gone) = scheduler.expire(now: now)
        for worker in gone { logger.warning("worker \(worker) timed out", metadata: about(worker)) }
        failures.forEach { record($0) }
    }

    private func housekeeping() {
        if now - lastHeartbeat >= coordinator.settings.heartbeatSeconds {
            lastHeartbeat = now
            for worker in workersSeen where scheduler.isKnown(worker) { send(to: worker, WireMessage.heartbeat.frames()) }
        }
        metrics.workersConnected(scheduler.workerCount)
        metrics.queueDepth(scheduler.queuedCount)
        for scene in active.values {
            scene.run.workersConnected = scheduler.workerCount
            scene.run.reportProgress()
        }
    }
}
