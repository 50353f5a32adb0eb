import TestSupport
import Foundation
import Raster
import Scene
import Testing

/// The reading thread: what it queues is what the feeder meets, in the feeder's order (row plans
/// before their tiles, tiles without data where they are), never more cut tiles than the bound,
/// a read error after the events before it, and a stop that ends the thread.
@Suite struct TileReadAheadTests {
    let directory: TemporaryDirectory
    let stack: SceneStack
    let grid: TileGrid

    init() throws {
        directory = try TemporaryDirectory()
        // A nodata corner: some tiles have no valid pixel in their core and are skipped.
        let path = directory.file("scene.tif")
        try TestScenes.write(path, width: 120, height: 90, bands: 2, noData: 0) { b, x, y in
            x + y < 50 ? 0 : UInt16(1 + (b * 300 + x * 13 + y * 7) % 2000)
        }
        stack = try SceneStack(sources: [SceneSource(path: path)])
        grid = try TileGrid(width: 120, height: 90, tileSize: 32, overlap: 8)
    }

    private func feeder(_ stack: SceneStack? = nil) throws -> TileFeeder {
        let stack = stack ?? self.stack
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: 32, overlap: 8)
        return TileFeeder(reader: try TileRowReader(stack: stack, grid: grid, padding: .reflect), grid: grid)
    }

    private static func text(_ input: TileInput) -> String {
        let values = input.values.reduce(0) { $0 &* 31 &+ Int($1.bitPattern) }, validity = input.validity.reduce(0) { $0 &* 31 &+ Int($1) }
        return "tile \(input.tile.index) \(values) \(validity)"
    }

    private static func text(_ event: TileReadAhead.Event) -> String {
        switch event {
        case .row(let row, let tiles): "row \(row): \(tiles.map(\.index))"
        case .skippedWithoutData(let tile): "skip \(tile.index)"
        case .tile(let input): text(input)
        }
    }

    /// What the feeder meets on the caller's thread, and the error it stops at.
    private static func direct(_ feeder: TileFeeder) -> (events: [String], error: String?) {
        var events: [String] = []
        do {
            while let (_, input) = try feeder.next(plan: { row, tiles in events.append("row \(row): \(tiles.map(\.index))") },
                                                   skip: { tile in events.append("skip \(tile.index)") }) {
                events.append(text(input))
            }
        } catch {
            return (events, "\(error)")
        }
        return (events, nil)
    }

    @Test func eventsComeInTheFeedersOrderWithinTheBound() throws {
        let (expected, error) = Self.direct(try feeder())
        #expect(error == nil)
        #expect(expected.contains { $0.hasPrefix("skip ") }, "the nodata corner's tiles are skipped")
        let ahead = TileReadAhead(feeder: try feeder(), maxTilesInHand: 2)
        var seen: [String] = [], held = 0
        while case .event(let event) = try ahead.next(waiting: true) {
            seen.append(Self.text(event))
            guard case .tile = event else { continue }
            held += 1
            // The caller holds two tiles at most, as a coordinator whose tiles wait for workers.
            if held == 2 {
                ahead.release()
                held -= 1
            }
        }
        #expect(seen == expected)
        #expect(ahead.isExhausted && !ahead.isRunning)
    }

    @Test func noTileIsCutWhileTheBoundIsHeldUntilOneIsReleased() throws {
        let ahead = TileReadAhead(feeder: try feeder(), maxTilesInHand: 2)
        var tiles = 0
        while tiles < 2 {
            if case .event(.tile) = try ahead.next(waiting: true) { tiles += 1 }
        }
        /// Takes what is queued without waiting; returns the tiles among it.
        func drain() throws -> Int {
            var count = 0
            while case .event(let event) = try ahead.next(waiting: false) { if case .tile = event { count += 1 } }
            return count
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try drain() == 0)
        ahead.release()
        var arrived = 0
        let deadline = Date().addingTimeInterval(20)
        while arrived == 0 && Date() < deadline {
            arrived += try drain()
            if arrived == 0 { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(arrived == 1)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try drain() == 0)
        #expect(ahead.isRunning)
        ahead.stop()
        #expect(!ahead.isRunning)
    }

    @Test func aReadErrorComesAfterTheEventsBeforeItAndEndsTheThread() throws {
        let (expected, error) = Self.direct(try feeder(TruncatedScene.stack(at: directory.file("direct.tif"))))
        let message = try #require(error)
        #expect(message.contains("direct.tif") && expected.contains { $0.hasPrefix("tile ") }, "\(message) after \(expected.count) events")
        let ahead = TileReadAhead(feeder: try feeder(TruncatedScene.stack(at: directory.file("ahead.tif"))), maxTilesInHand: 3)
        var seen: [String] = []
        let thrown = #expect(throws: (any Error).self) {
            while case .event(let event) = try ahead.next(waiting: true) {
                seen.append(Self.text(event))
                if case .tile = event { ahead.release() }
            }
        }
        #expect(seen == expected)
        #expect(thrown.map { "\($0)" } == message.replacingOccurrences(of: "direct.tif", with: "ahead.tif"))
        #expect(throws: (any Error).self) { try ahead.next(waiting: false) }
        #expect(!ahead.isRunning && !ahead.isExhausted)
    }

    @Test func stopEndsTheThreadMidScene() throws {
        let ahead = TileReadAhead(feeder: try feeder(), maxTilesInHand: 2)
        while true {
            if case .event(.tile) = try ahead.next(waiting: true) { break }
        }
        #expect(ahead.isRunning)
        ahead.stop()
        #expect(!ahead.isRunning)
    }
}
