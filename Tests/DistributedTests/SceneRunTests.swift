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
}

struct Interrupted: Error {}

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
