import Foundation
import Raster
import Scene

/// Runs the tiles of a run: takes them from the run with `nextTile`, has the model predict them
/// (here or elsewhere), and hands each result back with `commit` (or gives a tile up with
/// `withdraw`), in any order. The only thing that differs between running in this process and on
/// ZeroMQ workers.
public protocol TileExecutor {
    func execute(_ run: SceneRun) throws -> ExecutionSummary
}

/// What an executor has to say for the run report.
public struct ExecutionSummary: Sendable {
    public var workersSeen = 0
    public var tilesDispatched: [Int] = []
    public var attemptsFailed = 0
    public var resultsRejected = 0
    public var quarantinedTiles: [SceneRunReport.QuarantinedTile] = []
    /// Seconds the model ran, summed over committed tiles (on whichever machine ran them).
    public var modelSeconds = 0.0
    /// Set when the executor stopped early on the run's `stop` request, with its reason.
    public var stopped: String?

    public init() {}
}

/// One scene's tile loop, written once for every executor: reads the scene a tile row at a time
/// on a reading thread ahead of the executor (`TileReadAhead`, within the memory budget's tiles in
/// hand), skips tiles whose core has no data, plans each row in the stitcher, hands tiles out,
/// journals and stitches results as they come back (in any order), and writes `probabilities.tif`.
/// Everything but reading runs on the executor's thread.
///
/// The journal in `OUT/.journal/` makes every run resumable: with `resume`, tiles committed by an
/// interrupted run are replayed from it and never handed out again. Stitched probabilities are
/// the run's resume state: everything after them (rules, exports) can be redone without inference.
public final class SceneRun {
    public let stack: SceneStack
    public let options: TilingOptions
    public let package: ModelPackage
    public let grid: TileGrid
    public let outputDirectory: String
    /// Called at most once a second while tiles are committed, and once at the end.
    public var onProgress: (RunProgress) -> Void = { _ in }
    /// Workers connected, as the executor knows it (nil in process); shown with the progress.
    public var workersConnected: Int?
    /// Set (from a signal handler) to stop handing out tiles; `run` then ends with `.interrupted`.
    public var stop = StopRequest()
    /// How this run spends its memory budget (reader blocks, tiles in hand, stitching on disk).
    public let memoryPlan: MemoryBudget.Plan
    /// Pixels (cut here) or windows (workers read the scene from shared storage).
    public let data: TileData
    public let budget: MemoryBudget
    /// Tile columns whose rows the reader holds at once (all of them unless the scene is too wide).
    public private(set) var blockTileColumns = 0

    /// Pixel mode: the reading thread. Stopped and released before the COG is written (its row
    /// buffer is one of the largest allocations), and whenever the run ends.
    private var readAhead: TileReadAhead?
    /// A retry's tile is read again on GDAL handles of its own (the reading thread uses the stack's).
    private var rereadStack: SceneStack?
    private var skippedWithoutData = 0
    /// Shared storage: the next tile index to hand out as a window.
    private var windowCursor = 0
    private let stitchScratch: String?
    private let writer: ProbabilityRasterWriter
    private let journal: Journal
    private let stitcher: Stitcher
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var timings = RunReport.Timings()
    private var lastProgress = -Double.infinity
    public private(set) var committed = 0
    public private(set) var resumed = 0
    public private(set) var withdrawn = 0

    /// `budget`: the memory this process may use (a budget too small fails here, before anything
    /// is written); `data`: `.shared` hands out windows for workers to read themselves.
    public init(stack: SceneStack, options: TilingOptions, package: ModelPackage, outputDirectory: String, resume: Bool,
                budget: MemoryBudget = .default, data: TileData = .pixels) throws {
        start = clock.now
        self.stack = stack
        self.options = options
        self.package = package
        self.outputDirectory = outputDirectory
        self.data = data
        self.budget = budget
        try options.normalization.check(bandCount: stack.bandCount)
        grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        memoryPlan = try SceneRun.memoryPlan(stack: stack, options: options, package: package, budget: budget)
        if data == .pixels {
            let reader = try TileRowReader(stack: stack, grid: grid, padding: options.padding, maxBufferBytes: memoryPlan.readerBytes)
            blockTileColumns = reader.blockTileColumns
            readAhead = TileReadAhead(feeder: TileFeeder(reader: reader, grid: grid), maxTilesInHand: memoryPlan.maxTilesInHand)
        }
        stitchScratch = memoryPlan.stitchOnDisk ? "\(outputDirectory)/.stitch-scratch" : nil
        if let stitchScratch {
            do { try FileManager.default.createDirectory(atPath: stitchScratch, withIntermediateDirectories: true) } catch {
                throw SceneError(code: .writeFailed, message: "cannot create the stitching scratch folder: \(FileErrorReason.describe(error))", location: stitchScratch)
            }
        }
        journal = try Journal(outputDirectory: outputDirectory, identity: RunIdentity(stack: stack, grid: grid, options: options, package: package),
                              tiling: grid, resume: resume)
        writer = try ProbabilityRasterWriter(path: "\(outputDirectory)/probabilities.tif", grid: stack.grid,
                                             classNames: package.classNames, durable: true, resume: resume)
        stitcher = try Stitcher(grid: grid, classCount: package.classNames.count, window: options.window,
                                sink: JournalingSink(writer: writer, journal: journal, step: grid.step, height: grid.height),
                                finishedStrips: journal.writtenStrips, scratchDirectory: stitchScratch)
    }

    /// How a run of `stack` would spend `budget`, or the one-line error of a budget too small for
    /// it: commands check this before they create the output folder, so such a run leaves nothing.
    public static func memoryPlan(stack: SceneStack, options: TilingOptions, package: ModelPackage, budget: MemoryBudget) throws -> MemoryBudget.Plan {
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: options.tileSize, overlap: options.overlap)
        return try budget.plan(grid: grid, bandCount: stack.bandCount, classCount: package.classNames.count)
    }

    /// How the budget is spent, for the run's first lines.
    public var memorySummary: String {
        let reading = data == .shared ? "workers read the tiles"
            : blockTileColumns == grid.columns ? "whole tile rows read" : "tile rows read in blocks of \(blockTileColumns) of \(grid.columns) tile columns"
        return "memory budget \(budget): \(reading), strips stitched \(memoryPlan.stitchOnDisk ? "in scratch files" : "in memory")"
            + (data == .shared ? "" : ", at most \(memoryPlan.maxTilesInHand) tiles in hand")
    }

    /// Seconds since the run started.
    public var elapsed: Double { (clock.now - start).seconds }

    /// True while tiles remain to be handed out.
    public var hasMoreTiles: Bool { data == .shared ? windowCursor < grid.count : !(readAhead?.isExhausted ?? true) }

    /// What `nextTile(waiting:)` found.
    public enum NextTile {
        case tile(TileInput)
        /// The reading thread has not cut the next tile yet.
        case notYet
        /// Every tile was handed out.
        case done
    }

    /// The next tile to predict, raw (NaN where there is no data; `package.normalization.prepare`
    /// makes it the model's input); nil when every tile was handed out. Waits for the reading thread.
    public func nextTile() throws -> TileInput? {
        guard case .tile(let input) = try nextTile(waiting: true) else { return nil }
        return input
    }

    /// The next tile to predict, or `.notYet` without waiting when the reading thread has none
    /// ready. Applies what the reading thread met before it, in order, on this thread: row plans
    /// and tiles without data go to the stitcher; tiles an interrupted run committed are replayed
    /// from the journal and never returned. A tile returned counts against the tiles in hand until
    /// `releaseTile()`. Rethrows a read error (the reading thread stops at it).
    public func nextTile(waiting: Bool) throws -> NextTile {
        guard let readAhead else { return .done }
        while true {
            switch try readAhead.next(waiting: waiting) {
            case .notYet: return .notYet
            case .done: return .done
            case .event(.row(let row, let tiles)): try stitcher.plan(tileRow: row, tiles: tiles)
            case .event(.skippedWithoutData(let tile)):
                try stitcher.withdraw(tile)
                skippedWithoutData += 1
            case .event(.tile(let input)):
                if try !replayed(input.tile) { return .tile(input) }
                readAhead.release()
            }
        }
    }

    /// True while the reading thread is alive (it ends when the scene is read, at a read error,
    /// and when the run ends).
    public var isReading: Bool { readAhead?.isRunning ?? false }

    /// The pixels of a tile `nextTile` returned are no longer held (sent to a worker, or
    /// predicted): the reading thread may cut another within the memory budget.
    public func releaseTile() {
        readAhead?.release()
    }

    /// A tile an interrupted run committed is stitched from the journal, and one whose strips are
    /// all in the output already is withdrawn: true when `tile` needs no model.
    private func replayed(_ tile: Tile) throws -> Bool {
        if journal.hasOutput(of: tile.index) {
            let (probabilities, validity) = try journal.output(of: tile.index)
            try stitch(tile, probabilities: probabilities, validity: validity)
        } else if stitcher.isSettled(tile) {
            // Every strip it touches is already in the output.
            try stitcher.withdraw(tile)
        } else {
            return false
        }
        resumed += 1
        return true
    }

    /// Shared storage: the next tile to hand out as a window (its pixels are read by the worker);
    /// nil when every tile was handed out. Every tile of a row is planned; one whose core turns
    /// out to have no data comes back through `skipWithoutData`. Journaled tiles are replayed here.
    public func nextWindow() throws -> Tile? {
        precondition(data == .shared, "nextWindow is for shared storage")
        while windowCursor < grid.count {
            let tile = grid.tile(index: windowCursor)
            windowCursor += 1
            if tile.col == 0 { try stitcher.plan(tileRow: tile.row, tiles: grid.tiles(inRow: tile.row)) }
            if try !replayed(tile) { return tile }
        }
        return nil
    }

    /// Shared storage: a worker found no valid pixel in the tile's core; it is left out, as a
    /// pixel-mode run skips it.
    public func skipWithoutData(_ tile: Tile) throws {
        try stitcher.withdraw(tile)
        skippedWithoutData += 1
        reportProgress()
    }

    /// A tile's raw input read on its own (for a retry, once the row reader has moved on): the
    /// same bytes as when it was first cut. Read on this thread through the scene opened a second
    /// time, beside the reading thread.
    public func reread(_ tile: Tile) throws -> TileInput {
        let stack = try rereadStack ?? self.stack.reopened()
        rereadStack = stack
        return try TileRowReader.readTile(tile, stack: stack, grid: grid, padding: options.padding).input
    }

    /// Adds a tile's quantized output (see `ProbabilityQuantization`): journaled, then stitched.
    public func commit(_ tile: Tile, probabilities: [UInt8], validity: [UInt8]) throws {
        try journal.recordCommit(tile: tile.index, probabilities: probabilities, validity: validity)
        try stitch(tile, probabilities: probabilities, validity: validity)
        committed += 1
        reportProgress()
    }

    /// Gives up a tile handed out (quarantined): its pixels stay nodata, the rest is written.
    public func withdraw(_ tile: Tile) throws {
        try stitcher.withdraw(tile)
        withdrawn += 1
    }

    public var progress: RunProgress {
        RunProgress(tilesDone: committed + resumed, tilesSkipped: skippedWithoutData + withdrawn,
                    tilesTotal: grid.count, elapsed: elapsed, workersConnected: workersConnected)
    }

    /// Tells `onProgress`, at most once a second unless `force`.
    public func reportProgress(force: Bool = false) {
        guard force || elapsed - lastProgress >= 1 else { return }
        lastProgress = elapsed
        onProgress(progress)
    }

    /// Runs every tile through `executor`, then writes `probabilities.tif` and removes the journal.
    public func run(with executor: TileExecutor) throws -> SceneRunReport {
        let execution: ExecutionSummary
        do { execution = try executor.execute(self) } catch {
            // The reading thread does not outlive a failed run.
            stopReading()
            throw error
        }
        return try finish(execution)
    }

    /// Stops the reading thread (waiting until it has left GDAL) and frees its buffers.
    private func stopReading() {
        guard let readAhead else { return }
        readAhead.stop()
        timings.readSeconds = readAhead.readSeconds
        self.readAhead = nil
        rereadStack = nil
    }

    deinit { readAhead?.stop() }

    /// Ends the run once an executor is done with it: writes `probabilities.tif` and removes the
    /// journal, or, when the executor stopped early, keeps the journal and throws `.interrupted`.
    /// A coordinator serving a batch (`SceneRunFeed`) calls it for each scene when that scene's
    /// last tile is in, while it hands out the next scene's tiles.
    public func finish(_ execution: ExecutionSummary) throws -> SceneRunReport {
        stopReading()
        if let reason = execution.stopped {
            // Committed tiles are in the journal (their files renamed into place before commit).
            try journal.flush()
            throw DistributedError(code: .interrupted, message: "stopped by \(reason): \(committed + resumed) of \(grid.count) tiles committed "
                                   + "and journaled in \(journal.directory.path); run the same command with --resume to continue")
        }
        try stitcher.finish()
        if let stitchScratch { try? FileManager.default.removeItem(atPath: stitchScratch) }
        let cogStart = elapsed
        try writer.finish()
        timings.cogSeconds = elapsed - cogStart
        timings.modelSeconds = execution.modelSeconds
        timings.totalSeconds = elapsed
        journal.remove()
        reportProgress(force: true)
        var run = RunReport(grid: stack.grid, tiling: grid, bands: stack.bandNames, classes: package.classNames,
                            tilesTotal: grid.count, tilesCommitted: committed + resumed, tilesSkipped: skippedWithoutData,
                            outputs: [writer.path], timings: timings)
        run.stackingPaths = stack.paths
        return SceneRunReport(run: run, tilesResumed: resumed, execution: execution)
    }

    private func stitch(_ tile: Tile, probabilities: [UInt8], validity: [UInt8]) throws {
        let stitchStart = elapsed
        try stitcher.commit(tile, probabilities: probabilities, validity: validity)
        timings.stitchSeconds += elapsed - stitchStart
    }
}

/// Runs the model in this process, one tile after another (`--workers 0`).
public struct InProcessExecutor: TileExecutor {
    public let model: TileModel
    /// Sleep before each tile (the failure drills' `PIPELINE_FAULT_DELAY_MS`, to stop a run mid-way).
    public var delayMilliseconds = 0
    public var metrics: any RunMetrics = NoMetrics()

    public init(model: TileModel) { self.model = model }

    public func execute(_ run: SceneRun) throws -> ExecutionSummary {
        if let expected = model.inputBandCount, expected != run.stack.bandCount {
            throw SceneError(code: .sourceMismatch, message: "the model expects \(expected) bands but the scene stacks \(run.stack.bandCount)")
        }
        var summary = ExecutionSummary()
        let clock = ContinuousClock()
        metrics.sceneTiles(run.grid.count)
        while true {
            if let reason = run.stop.reason {
                summary.stopped = reason
                break
            }
            guard let input = try run.nextTile() else { break }
            let handedOut = clock.now
            if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
            let started = clock.now
            let output = try model.predict(run.package.normalization.prepare(input))
            let modelSeconds = (clock.now - started).seconds
            summary.modelSeconds += modelSeconds
            run.releaseTile()
            try run.commit(input.tile, probabilities: ProbabilityQuantization.quantize(output), validity: input.validity)
            metrics.tileCommitted(latencySeconds: (clock.now - handedOut).seconds, modelSeconds: modelSeconds)
        }
        return summary
    }
}
