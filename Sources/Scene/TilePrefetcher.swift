import Foundation

/// Runs a `TileFeeder` on its own thread, up to `capacity` tiles ahead of the caller: reading and
/// stacking the scene (the coordinator's largest cost) then overlaps with sending tiles and
/// stitching results on the caller's thread. Items come out in the feeder's order: each tile row
/// (for the stitcher's plan) before its tiles. Memory: `capacity` cut tiles plus the feeder's rows.
public final class TilePrefetcher: @unchecked Sendable {
    public enum Item: Sendable {
        /// A tile row is loaded: these of its tiles have data and will follow.
        case row(Int, [Tile])
        case tile(Tile, TileInput)
    }

    private let feeder: TileFeeder
    private let capacity: Int
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private var bufferedTiles = 0
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var busySeconds = 0.0
    private var skipped = 0
    private var started = false
    private var running = false

    /// `capacity`: tiles cut ahead of the caller (at least 1).
    public init(feeder: TileFeeder, capacity: Int) {
        self.feeder = feeder
        self.capacity = max(1, capacity)
    }

    /// Starts the reading thread (the first `next` does it otherwise).
    public func start() {
        condition.withLock {
            guard !started else { return }
            started = true
            running = true
            let thread = Thread { [self] in produce() }
            thread.name = "pipeline.tile-reader"
            thread.start()
        }
    }

    /// The next item, or nil when every tile row is done. With `waiting: false`, also nil when
    /// nothing is ready yet (then `isExhausted` tells the two apart). Rethrows a read error.
    public func next(waiting: Bool = true) throws -> Item? {
        start()
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !finished && failure == nil {
            guard waiting else { return nil }
            condition.wait()
        }
        if head < items.count {
            let item = items[head]
            items[head] = .row(-1, [])  // drop the tile's pixels now, not when the array is compacted
            head += 1
            if head > 256 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            if case .tile = item {
                bufferedTiles -= 1
                condition.broadcast()
            }
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// True when every item was taken.
    public var isExhausted: Bool { condition.withLock { finished && head == items.count } }

    /// Tiles left out because their core has no data (so far).
    public var skippedWithoutData: Int { condition.withLock { skipped } }

    /// Seconds the reading thread spent reading, stacking and cutting tiles.
    public var readSeconds: Double { condition.withLock { busySeconds } }

    /// Stops the reading thread at its next tile (the run is over or stopped).
    public func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    /// Cancels and waits until the reading thread has left GDAL (at most the rest of one tile
    /// row's read), so the scene's datasets may be used again on the caller's thread.
    public func stop() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
            while running { condition.wait() }
        }
    }

    deinit { cancel() }

    private func produce() {
        defer {
            condition.withLock {
                running = false
                condition.broadcast()
            }
        }
        let clock = ContinuousClock()
        do {
            while true {
                let began = clock.now
                var rows: [Item] = []
                let next = try feeder.next(plan: { row, tiles in rows.append(.row(row, tiles)) })
                let spent = (clock.now - began).seconds, skippedNow = feeder.skippedWithoutData
                let keepGoing = condition.withLock { () -> Bool in
                    busySeconds += spent
                    skipped = skippedNow
                    items += rows
                    if let (tile, input) = next {
                        items.append(.tile(tile, input))
                        bufferedTiles += 1
                    } else {
                        finished = true
                    }
                    condition.broadcast()
                    while bufferedTiles >= capacity && !cancelled { condition.wait() }
                    return next != nil && !cancelled
                }
                if !keepGoing { return }
            }
        } catch {
            condition.withLock {
                failure = error
                condition.broadcast()
            }
        }
    }
}
