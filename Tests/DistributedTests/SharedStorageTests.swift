import TestSupport
import Foundation
import Messaging
import Raster
import Scene
import Testing
@testable import Distributed

/// `--data shared` over ZeroMQ on loopback, workers in threads: the same bytes as pixel mode, a
/// worker that cannot read the scene leaves naming itself and the path (its jobs go back, nothing
/// committed is lost), and pixel mode with a budget so small that tiles are re-read for retries
/// and strips stitched in scratch files still gives the same bytes.
@Suite(.serialized) struct SharedStorageTests {
    let directory: TemporaryDirectory
    let scene: String
    let options = TilingOptions(tileSize: 32, overlap: 8, normalization: Normalization(scale: [1 / 2047]))
    let model: IdentityModel
    let package: ModelPackage

    init() throws {
        directory = try TemporaryDirectory()
        scene = directory.file("scene")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: true)
        // A full-resolution source with a nodata corner (its tiles are skipped) and a coarse one
        // resampled bilinearly, as a real scene's products.
        try SharedStorageTests.write("\(scene)/full.tif", width: 120, height: 70, pixel: 0.5) { x, y in x + y < 60 ? 0 : UInt16(1 + (x * 13 + y * 7) % 2000) }
        try SharedStorageTests.write("\(scene)/coarse.tif", width: 31, height: 19, pixel: 2) { x, y in UInt16(900 + (x * 31 + y * 17) % 300) }
        model = try IdentityModel(bands: [1, 2], classNames: ["a", "b"], tileSignature: true)
        package = try ModelPackage.identity(model, normalization: options.normalization)
    }

    private static func write(_ path: String, width: Int, height: Int, pixel: Double, value: (Int, Int) -> UInt16) throws {
        let dataset = try Dataset.create(path, width: width, height: height, bandCount: 1, pixelType: .uint16)
        try dataset.setCRS(try CRS(epsg: 32631))
        try dataset.setGeoTransform(.northUp(originX: 431_000, originY: 5_612_000, pixelWidth: pixel, pixelHeight: pixel))
        try dataset.band(1).setNoDataValue(0)
        try dataset.write((0..<height).flatMap { y in (0..<width).map { x in value(x, y) } }, window: .full(width: width, height: height))
        try dataset.flush()
    }

    private func stack() throws -> SceneStack {
        try SceneStack(sources: [SceneSource(path: "\(scene)/full.tif"), SceneSource(path: "\(scene)/coarse.tif", resampling: .bilinear)])
    }

    private func sceneRun(_ name: String, data: TileData, budget: MemoryBudget = .default, resume: Bool = false) throws -> SceneRun {
        let out = directory.file(name)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        return try SceneRun(stack: stack(), options: options, package: package, outputDirectory: out, resume: resume, budget: budget, data: data)
    }

    private func bytes(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: directory.file("\(name)/probabilities.tif"))) }

    /// Starts a worker thread; its outcome (nil: it ended on BYE) lands in `outcomes`.
    private static func startWorker(_ name: String, endpoint: Endpoint, faults: FaultInjection = FaultInjection(), outcomes: Outcomes) {
        let thread = Thread {
            var settings = Worker.Settings(endpoint: endpoint, name: name, threads: 1)
            settings.faults = faults
            settings.giveUpSeconds = 20
            do {
                _ = try Worker(settings: settings, factory: ModelFactory()).run(context: try MessageContext())
                outcomes.add(name, nil)
            } catch {
                outcomes.add(name, "\(error)")
            }
        }
        thread.start()
    }

    private func coordinator(log: @escaping (String) -> Void, onListening: @escaping ([Endpoint]) -> Void) throws -> Coordinator {
        var hooks = Coordinator.Hooks()
        hooks.log = log
        hooks.onListening = onListening
        var settings = Coordinator.Settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        settings.workerTimeoutSeconds = 5
        return Coordinator(settings: settings, hooks: hooks, context: try MessageContext())
    }

    @Test func sharedStorageGivesThePixelModeBytes() throws {
        let reference = try sceneRun("pixels", data: .pixels).run(with: InProcessExecutor(model: model))
        #expect(reference.run.tilesSkipped > 0, "the nodata corner's tiles are skipped")
        let outcomes = Outcomes()
        let run = try sceneRun("shared", data: .shared)
        let report = try run.run(with: coordinator(log: { _ in }, onListening: { endpoints in
            for n in 1...2 { SharedStorageTests.startWorker("w\(n)", endpoint: endpoints[0], outcomes: outcomes) }
        }))
        #expect(try bytes("shared") == bytes("pixels"))
        #expect(report.run.tilesSkipped == reference.run.tilesSkipped && report.run.tilesCommitted == reference.run.tilesCommitted)
        #expect(outcomes.wait(for: 2).allSatisfy { $0.value == nil })
    }

    @Test func aWorkerThatCannotReadTheSceneLeavesNamingThePathAndNothingIsLost() throws {
        _ = try sceneRun("pixels", data: .pixels).run(with: InProcessExecutor(model: model))
        let run = try sceneRun("shared", data: .shared)
        // The coordinator has opened the scene; the worker machine does not see it.
        let away = directory.file("elsewhere")
        try FileManager.default.moveItem(atPath: scene, toPath: away)
        let outcomes = Outcomes()
        let lines = Outcomes()
        var endpoint: Endpoint?
        let coordinator = try coordinator(log: { line in
            lines.add(line, nil)
            if line.contains("cannot read the scene"), let endpoint, (try? FileManager.default.moveItem(atPath: away, toPath: self.scene)) != nil {
                SharedStorageTests.startWorker("good", endpoint: endpoint, outcomes: outcomes)
            }
        }, onListening: { endpoints in
            endpoint = endpoints[0]
            SharedStorageTests.startWorker("blind", endpoint: endpoints[0], outcomes: outcomes)
        })
        let report = try run.run(with: coordinator)
        #expect(try bytes("shared") == bytes("pixels"))
        #expect(report.attemptsFailed == 0 && report.quarantinedTiles.isEmpty)
        let ended = outcomes.wait(for: 2)
        let blind = ended["blind"] ?? nil
        #expect(blind?.hasPrefix("worker blind cannot read the scene: ") == true && blind?.contains("\(scene)/full.tif") == true, "\(blind ?? "")")
        #expect(blind?.contains("\n") == false)
        #expect(ended["good"] == .some(nil))
        let left = lines.names.filter { $0.contains("left: worker blind cannot read the scene") }
        #expect(left.count == 1 && left[0].contains("\(scene)/full.tif"), "\(lines.names)")
    }

    /// A budget at the minimum holds 2 tiles: a tile whose worker hangs is retried after its lease
    /// from pixels read again (they were dropped when it was sent), and the bytes are those of an
    /// unconstrained run.
    @Test func pixelModeAtTheMinimumBudgetRereadsRetriedTilesToTheSameBytes() throws {
        _ = try sceneRun("pixels", data: .pixels).run(with: InProcessExecutor(model: model))
        let grid = try TileGrid(width: 120, height: 70, tileSize: 32, overlap: 8)
        let minimum = try MemoryBudget.default.plan(grid: grid, bandCount: 2, classCount: 2).minimumBytes
        let run = try sceneRun("tight", data: .pixels, budget: MemoryBudget(bytes: minimum))
        #expect(run.memoryPlan.maxTilesInHand == 2)
        let outcomes = Outcomes()
        var endpoint: Endpoint?, steadyStarted = false
        var hooks = Coordinator.Hooks()
        hooks.onListening = { endpoints in
            endpoint = endpoints[0]
            SharedStorageTests.startWorker("hangs", endpoint: endpoints[0], faults: FaultInjection(crashTile: nil, delayMilliseconds: 0, hangTile: 7),
                                           outcomes: outcomes)
        }
        hooks.log = { line in
            // Once the hung tile's lease expired, a worker that finishes it.
            if line.contains("tile 7 attempt 1 failed"), !steadyStarted, let endpoint {
                steadyStarted = true
                SharedStorageTests.startWorker("steady", endpoint: endpoint, outcomes: outcomes)
            }
        }
        var settings = Coordinator.Settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        settings.leaseSeconds = 2
        let report = try run.run(with: Coordinator(settings: settings, hooks: hooks, context: try MessageContext()))
        #expect(try bytes("tight") == bytes("pixels"))
        #expect(report.attemptsFailed >= 1 && report.run.tilesCommitted + report.run.tilesSkipped == grid.count)
        #expect(steadyStarted)
        _ = outcomes.wait(for: 2)
    }

    /// A shared-storage run stopped part-way keeps its journal; resumed in shared mode, it hands
    /// out only the tiles not yet committed and ends with the bytes of an uninterrupted pixel run.
    @Test func anInterruptedSharedRunResumesToThePixelModeBytes() throws {
        let reference = try sceneRun("pixels", data: .pixels).run(with: InProcessExecutor(model: model))
        let outcomes = Outcomes()
        let first = try sceneRun("shared", data: .shared)
        var hooks = Coordinator.Hooks()
        hooks.onListening = { endpoints in
            for n in 1...2 {
                SharedStorageTests.startWorker("first-\(n)", endpoint: endpoints[0],
                                               faults: FaultInjection(crashTile: nil, delayMilliseconds: 100, hangTile: nil), outcomes: outcomes)
            }
        }
        hooks.onTurn = { if first.committed >= 4 { first.stop.request("the test") } }
        var settings = Coordinator.Settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        settings.workerTimeoutSeconds = 5
        do {
            _ = try first.run(with: Coordinator(settings: settings, hooks: hooks, context: try MessageContext()))
            Issue.record("the first run should have stopped")
        } catch let error as DistributedError {
            #expect(error.code == .interrupted, "\(error)")
        }
        let committedBefore = first.committed
        #expect(committedBefore >= 4 && committedBefore < reference.run.tilesCommitted)

        let resumed = try sceneRun("shared", data: .shared, resume: true)
        let report = try resumed.run(with: coordinator(log: { _ in }, onListening: { endpoints in
            SharedStorageTests.startWorker("second", endpoint: endpoints[0], outcomes: outcomes)
        }))
        #expect(try bytes("shared") == bytes("pixels"))
        #expect(report.tilesResumed == committedBefore)
        #expect(resumed.committed == reference.run.tilesCommitted - committedBefore)
        _ = outcomes.wait(for: 3)
    }
}

/// Thread-safe results of workers (name → error text, nil when it ended well) or log lines.
final class Outcomes: @unchecked Sendable {
    private let lock = NSCondition()
    private var values: [(String, String?)] = []

    func add(_ name: String, _ value: String?) {
        lock.lock()
        values.append((name, value))
        lock.broadcast()
        lock.unlock()
    }

    var names: [String] { lock.lock(); defer { lock.unlock() }; return values.map(\.0) }

    /// Waits (up to 30 s) until `count` entries are in.
    func wait(for count: Int) -> [String: String?] {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(30)
        while values.count < count && lock.wait(until: deadline) {}
        return Dictionary(values, uniquingKeysWith: { a, _ in a })
    }
}
