import TestSupport
import Foundation
import Raster
import Scene
import Testing
@testable import Distributed

/// The one run path: any executor, any commit order, an interrupted and resumed run — the same
/// bytes. The model adds a signature of each tile's grid position, so a tile stitched in the
/// wrong place or with the wrong weight would change them.
@Suite struct SceneRunTests {
    let directory: TemporaryDirectory
    let stack: SceneStack
    let model: IdentityModel
    let package: ModelPackage
    let options = TilingOptions(tileSize: 32, overlap: 8, normalization: Normalization(scale: [1 / 2047]))

    init() throws {
        directory = try TemporaryDirectory()
        stack = try GradientScene.stack(in: directory)
        model = try IdentityModel(bands: [1, 2], classNames: ["a", "b"], tileSignature: true)
        package = try ModelPackage.identity(model, normalization: options.normalization)
    }

    private func run(_ name: String, executor: TileExecutor, resume: Bool = false, options: TilingOptions? = nil) throws -> (SceneRunReport, Data) {
        let out = directory.file(name)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try SceneRun(stack: stack, options: options ?? self.options, package: package, outputDirectory: out, resume: resume)
        let report = try run.run(with: executor)
        return (report, try Data(contentsOf: URL(fileURLWithPath: "\(out)/probabilities.tif")))
    }

    @Test func anyCommitOrderGivesTheSameBytes() throws {
        let (report, inOrder) = try run("in-order", executor: InProcessExecutor(model: model))
        #expect(report.run.tilesCommitted == report.run.tilesTotal && report.run.tilesTotal == 12)
        let (_, shuffled) = try run("shuffled", executor: ShufflingExecutor(model: model, seed: 3))
        #expect(shuffled == inOrder)
        let output = try Dataset.open(directory.file("in-order/probabilities.tif"))
        #expect(output.geoTransform == stack.grid.geoTransform)
        #expect(try output.crs?.epsg == 32631)
        #expect(!FileManager.default.fileExists(atPath: directory.file("in-order/.journal")))
    }

    /// The drill can fail: without the signature the bytes differ, and a tile committed with its
    /// neighbour's output changes them too.
    @Test func theSignatureAndThePlacementMatter() throws {
        let (_, reference) = try run("reference", executor: InProcessExecutor(model: model))
        let plain = try IdentityModel(bands: [1, 2], classNames: ["a", "b"])
        let (_, unsigned) = try run("unsigned", executor: InProcessExecutor(model: plain))
        #expect(unsigned != reference)
        let (_, swapped) = try run("swapped", executor: ShufflingExecutor(model: model, seed: 3, swapFirstTwo: true))
        #expect(swapped != reference)
    }

    @Test func anInterruptedRunResumesWithoutRedoingCommittedTiles() throws {
        let (_, reference) = try run("reference", executor: InProcessExecutor(model: model))
        #expect(throws: Interrupted.self) { try run("resumed", executor: InterruptingExecutor(model: model, after: 7)) }
        // A resume with settings that change the stitched bytes is refused, naming the setting,
        // and loses nothing.
        var retiled = options
        retiled.overlap = 12
        var renormalized = options
        renormalized.normalization = Normalization(scale: [1 / 1023])
        for (changed, setting) in [(retiled, "the tiling changed"), (renormalized, "the normalization changed")] {
            let refused = #expect(throws: DistributedError.self) {
                try run("resumed", executor: CountingExecutor(model: model), resume: true, options: changed)
            }
            #expect(refused?.description.contains(setting) == true, "\(refused?.description ?? "")")
        }
        let counting = CountingExecutor(model: model)
        let (report, resumed) = try run("resumed", executor: counting, resume: true)
        #expect(resumed == reference)
        #expect(counting.predicted == 12 - 7 && report.tilesResumed == 7)
    }

    /// At the minimum budget the reading thread may hold 2 tiles: it waits for the executor to
    /// release one before cutting the next, and the row plans and tiles it queues meanwhile give
    /// the bytes of an unconstrained run, tiles committed in any order.
    @Test func theReadAheadBoundBindingGivesTheSameBytes() throws {
        let (_, reference) = try run("reference", executor: InProcessExecutor(model: model))
        let grid = try TileGrid(width: GradientScene.width, height: GradientScene.height, tileSize: options.tileSize, overlap: options.overlap)
        let minimum = try MemoryBudget.default.plan(grid: grid, bandCount: 2, classCount: 2).minimumBytes
        for (name, executor) in [("in-process", InProcessExecutor(model: model) as TileExecutor), ("holding", HoldingExecutor(model: model, holding: 2))] {
            let out = directory.file(name)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let run = try SceneRun(stack: stack, options: options, package: package, outputDirectory: out, resume: false, budget: MemoryBudget(bytes: minimum))
            #expect(run.memoryPlan.maxTilesInHand == 2)
            let report = try run.run(with: executor)
            #expect(report.run.tilesCommitted == 12 && !run.isReading)
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/probabilities.tif")) == reference, "\(name)")
        }
    }

    /// A file that fails to read mid-scene fails the run with GDAL's error from the reading thread;
    /// tiles committed before are journaled for --resume, and the thread is gone.
    @Test func aReadErrorMidSceneEndsTheRunWithItsErrorAndKeepsTheJournal() throws {
        let path = directory.file("truncated.tif")
        let truncated = try TruncatedScene.stack(at: path)
        let out = directory.file("truncated")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try SceneRun(stack: truncated, options: options, package: package, outputDirectory: out, resume: false)
        let error = #expect(throws: (any Error).self) { try run.run(with: InProcessExecutor(model: model)) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains(path) && !message.contains("\n"), "\(message)")
        #expect(run.committed > 0 && !run.isReading)
        let journaled = (try? String(contentsOfFile: "\(out)/.journal/committed.log", encoding: .utf8)) ?? ""
        #expect(journaled.split(separator: "\n").count == run.committed, "\(journaled)")
    }
}

struct Interrupted: Error {}

/// Holds up to `holding` tiles (as a coordinator whose tiles wait for workers), commits them
/// newest first, and releases each tile's pixels when it commits it.
struct HoldingExecutor: TileExecutor {
    let model: IdentityModel
    let holding: Int

    func execute(_ run: SceneRun) throws -> ExecutionSummary {
        var held: [TileInput] = []
        func commitNewest() throws {
            let input = held.removeLast()
            try run.commit(input.tile, probabilities: ProbabilityQuantization.quantize(try model.predict(run.package.normalization.prepare(input))),
                           validity: input.validity)
            run.releaseTile()
        }
        while true {
            switch try run.nextTile(waiting: held.isEmpty) {
            case .tile(let input): held.append(input)
            case .notYet: try commitNewest()
            case .done:
                while !held.isEmpty { try commitNewest() }
                return ExecutionSummary()
            }
            if held.count == holding { try commitNewest() }
        }
    }
}

/// Takes every tile first, then commits them in a seeded random order.
struct ShufflingExecutor: TileExecutor {
    let model: IdentityModel
    let seed: UInt64
    var swapFirstTwo = false

    func execute(_ run: SceneRun) throws -> ExecutionSummary {
        var inputs: [TileInput] = []
        while let input = try run.nextTile() { inputs.append(input) }
        var outputs = try inputs.map { ProbabilityQuantization.quantize(try model.predict(run.package.normalization.prepare($0))) }
        if swapFirstTwo { outputs.swapAt(0, 1) }
        var generator = SeededGenerator(seed: seed)
        for i in Array(inputs.indices).shuffled(using: &generator) {
            try run.commit(inputs[i].tile, probabilities: outputs[i], validity: inputs[i].validity)
        }
        return ExecutionSummary()
    }
}

/// Commits `after` tiles, then fails as a killed process would.
struct InterruptingExecutor: TileExecutor {
    let model: IdentityModel
    let after: Int

    func execute(_ run: SceneRun) throws -> ExecutionSummary {
        for _ in 0..<after {
            guard let input = try run.nextTile() else { break }
            try run.commit(input.tile, probabilities: ProbabilityQuantization.quantize(try model.predict(run.package.normalization.prepare(input))),
                           validity: input.validity)
        }
        throw Interrupted()
    }
}

/// Runs every tile it is given and counts them.
final class CountingExecutor: TileExecutor {
    let model: IdentityModel
    private(set) var predicted = 0

    init(model: IdentityModel) { self.model = model }

    func execute(_ run: SceneRun) throws -> ExecutionSummary {
        while let input = try run.nextTile() {
            predicted += 1
            try run.commit(input.tile, probabilities: ProbabilityQuantization.quantize(try model.predict(run.package.normalization.prepare(input))),
                           validity: input.validity)
        }
        return ExecutionSummary()
    }
}
