import Foundation

/// Reads a scene's tiles on a thread of their own ("pipeline.tile-reader"), ahead of the caller:
/// reading, stacking and cutting tiles (a coordinator's largest cost) then overlap with sending
/// tiles and stitching results on the caller's thread.
///
/// The reading thread runs a `TileFeeder` and queues what it meets, in the feeder's order: each tile
/// row's plan before the row's tiles, each tile without data where it was met, each cut tile. The
/// caller applies them on its own thread, so the stitcher stays single-threaded and sees exactly
/// the order it would see without this thread.
///
/// Memory: at most `maxTilesInHand` cut tiles exist at once, counting those queued here and those
/// the caller took and has not `release`d yet (queued for a worker), so a memory budget bounds the
/// read-ahead too. A caller that waits for a tile while none is queued always gets one, so a
/// caller that holds tiles without releasing them cannot deadlock (it then holds what it took).
///
/// The thread ends when the feeder is done, at the first error (queued after the events before
/// it: the caller meets it in order, as it would without this thread), or on `stop()`, which
/// waits until it has left GDAL: a scene's datasets must not be used from two threads at once.
public final class TileReadAhead: @unchecked Sendable {
    public enum Event {
        /// Tile row `row` starts: all its tiles, to plan before any of them is committed or withdrawn.
        case row(Int, [Tile])
        /// A tile of a planned row whose core has no valid pixel: nothing will come for it.
        case skippedWithoutData(Tile)
        /// A cut tile, raw; the caller holds its pixels until it calls `release()`.
        case tile(TileInput)
    }

    public enum Next {
        case event(Event)
        /// Nothing queued yet (only when not waiting).
        case notYet
        /// Every tile row is done and every event was taken.
        case done
    }

    public let maxTilesInHand: Int
    private let feeder: TileFeeder
    private let condition = NSCondition()
    /// Taken events are set to nil at once (a tile's pixels go with them).
    private var events: [Event?] = []
    private var head = 0
    /// Tiles cut (or being cut) and not released: queued here or held by the caller.
    private var inHand = 0
    private var queuedTiles = 0
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var started = false
    private var running = false
    private var callerWaiting = false
    private var busySeconds = 0.0

    /// `maxTilesInHand`: cut tiles held at once, queued or taken and not released (at least 1).
    public init(feeder: TileFeeder, maxTilesInHand: Int) {
        self.feeder = feeder
        self.maxTilesInHand = max(1, maxTilesInHand)
    }

    deinit { stop() }

    /// The next event; with `waiting: false`, `.notYet` when none is queued. Throws the reading
    /// thread's error once the events before it are taken (and again on every later call).
    public func next(waiting: Bool) throws -> Next {
        start()
        condition.lock()
        defer { condition.unlock() }
        while head == events.count && !finished {
            guard waiting else { return .notYet }
            callerWaiting = true
            condition.broadcast()
            condition.wait()
        }
        callerWaiting = false
        if head < events.count {
            let event = events[head]!
            events[head] = nil
            head += 1
            if head >= 1024 && head * 2 >= events.count {
                events.removeFirst(head)
                head = 0
            }
            if case .tile = event { queuedTiles -= 1 }
            return .event(event)
        }
        if let failure { throw failure }
        return .done
    }

    /// The caller no longer holds the pixels of a tile it took (sent to a worker, or predicted):
    /// the reading thread may cut another in its place.
    public func release() {
        condition.withLock {
            inHand -= 1
            condition.broadcast()
        }
    }

    /// True when every event was taken and the thread is done (an error counts as not exhausted
    /// until it was thrown).
    public var isExhausted: Bool { condition.withLock { finished && head == events.count && failure == nil } }

    /// True while the reading thread is alive.
    public var isRunning: Bool { condition.withLock { running } }

    /// Seconds the reading thread spent reading, stacking and cutting tiles.
    public var readSeconds: Double { condition.withLock { busySeconds } }

    /// Stops the reading thread at its next tile and waits until it has left GDAL (at most the
    /// rest of one read). Nothing more is queued; events already queued can still be taken.
    public func stop() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
            while running { condition.wait() }
        }
    }

    private func start() {
        condition.withLock {
            guard !started else { return }
            started = true
            guard !cancelled else {
                finished = true
                return
            }
            running = true
            let thread = Thread { [self] in produce() }
            thread.name = "pipeline.tile-reader"
            // GDAL's drivers may want more than a secondary thread's default stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Waits for room for one more tile; false when stopped.
    private func reserveTile() -> Bool {
        condition.withLock {
            while !cancelled && inHand >= maxTilesInHand && !(callerWaiting && queuedTiles == 0) { condition.wait() }
            guard !cancelled else { return false }
            inHand += 1
            return true
        }
    }

    private func produce() {
        let clock = ContinuousClock()
        defer {
            condition.withLock {
                finished = true
                running = false
                condition.broadcast()
            }
        }
        while reserveTile() {
            let began = clock.now
            var found: [Event] = []
            let next: (Tile, TileInput)?
            do {
                next = try feeder.next(plan: { row, tiles in found.append(.row(row, tiles)) },
                                       skip: { tile in found.append(.skippedWithoutData(tile)) })
            } catch {
                condition.withLock {
                    events.append(contentsOf: found.map(Optional.some))
                    inHand -= 1
                    failure = error
                }
                return
            }
            let spent = (clock.now - began).seconds
            let more = condition.withLock { () -> Bool in
                busySeconds += spent
                events.append(contentsOf: found.map(Optional.some))
                if let (_, input) = next {
                    events.append(.tile(input))
                    queuedTiles += 1
                } else {
                    inHand -= 1
                }
                condition.broadcast()
                return next != nil
            }
            if !more { return }
        }
    }
}
