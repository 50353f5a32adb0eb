import TestSupport
import Foundation
import Testing

/// `--memory-budget` and `--data shared` through the binary: wide and tall scenes give the same
/// bytes within a tight budget (read in column blocks, stitched in scratch files); shared storage
/// gives the pixel mode's bytes; a worker without the scene leaves with one line naming itself
/// and the path, and the run finishes with a worker that has it; bad budgets are one line.
@Suite struct MemoryBudgetCommandTests {
    /// An identity pipeline over all 20 bands of a synth scene, 10 classes, tile 256 / 64.
    private static func writePipeline(_ path: String) throws {
        try """
            version: 1
            scene:
              id: shape
              sources:
                - path: "{id}.tif"
                - path: "{id}_P.tif"
                - path: "{id}_M.tif"
                  resampling: bilinear
                - path: "{id}_A.tif"
                  resampling: cubic
            normalization: {mode: per_band, scale: [0.00048852]}
            tiling: {tile_size: 256, overlap: 64}
            model: {kind: identity, bands: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], tile_signature: true}
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(arguments: [(1200, 256), (256, 1200)])
    func wideAndTallScenesGiveTheSameBytesWithinATightBudget(width: Int, height: Int) throws {
        let directory = try TemporaryDirectory()
        let scene = directory.file("scene"), pipeline = directory.file("p.yaml")
        try Self.writePipeline(pipeline)
        let synth = try PipelineBinary.run(["synth", "--out", scene, "--width", String(width), "--height", String(height), "--seed", "4", "--id", "shape"])
        #expect(synth.status == 0 && synth.output.contains("\(width) x \(height) px"), "\(synth.errorOutput)")
        // As before budgets: whole rows read, strips stitched in memory.
        let free = try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", directory.file("free"), "--workers", "0", "--memory-budget", "64G"])
        #expect(free.status == 0, "\(free.errorOutput)")
        #expect(free.output.contains("memory budget 65536 MB: whole tile rows read, strips stitched in memory"), "\(free.output)")
        let tight = try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", directory.file("tight"), "--workers", "0", "--memory-budget", "290M"])
        #expect(tight.status == 0, "\(tight.errorOutput)")
        if width > height {
            #expect(tight.output.contains("memory budget 290 MB: tile rows read in blocks of 2 of 7 tile columns, strips stitched in scratch files"), "\(tight.output)")
        }
        let bytes = { (name: String) in try Data(contentsOf: URL(fileURLWithPath: directory.file("\(name)/probabilities.tif"))) }
        #expect(try bytes("tight") == bytes("free"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("tight/.stitch-scratch")))
    }

    @Test func sharedStorageGivesThePixelModeBytes() throws {
        let fixture = try DistributedFixture()
        let run = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("shared"),
                                          "--workers", "2", "--data", "shared"])
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.output.contains("workers read the tiles"))
        #expect(try fixture.output("shared") == fixture.reference)
    }

    @Test func aWorkerWithoutTheSceneSaysSoInOneLineAndTheRunFinishesWithAnother() throws {
        let fixture = try DistributedFixture()
        let coordinator = try fixture.coordinator("shared", extra: ["--data", "shared"])
        let endpoint = try #require(coordinator.listeningEndpoint())
        // The coordinator has opened the scene; this worker's machine does not see it.
        let away = fixture.directory.file("elsewhere")
        try FileManager.default.moveItem(atPath: fixture.scene, toPath: away)
        let blind = try fixture.worker(endpoint, name: "blind")
        #expect(blind.wait(seconds: 60) == 1)
        let lines = blind.errors.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: worker blind cannot read the scene: ") && lines[0].contains("\(fixture.scene)/chaos.tif"),
                "\(blind.errors)")
        #expect(RunningProcess.waitUntil(seconds: 10) { coordinator.errors.contains("left: worker blind cannot read the scene") })
        #expect(fixture.committedTiles("shared").isEmpty)
        try FileManager.default.moveItem(atPath: away, toPath: fixture.scene)
        let good = try fixture.worker(endpoint, name: "good")
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(good.wait(seconds: 30) == 0)
        #expect(try fixture.output("shared") == fixture.reference)
    }

    @Test func badBudgetsAndSharedWithoutWorkersAreOneLine() throws {
        let fixture = try DistributedFixture(size: 64)
        let out = fixture.directory.file("small")
        let small = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "0", "--memory-budget", "100M"])
        #expect(small.status != 0)
        #expect(small.errorOutput.split(separator: "\n").count == 1, "\(small.errorOutput)")
        #expect(small.errorOutput.contains("--memory-budget 100 MB is too small for this run: it needs at least 2"), "\(small.errorOutput)")
        // Nothing is created, not even the output folder.
        #expect(!FileManager.default.fileExists(atPath: out))
        let words = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--memory-budget", "lots"])
        #expect(words.status != 0 && words.errorOutput.contains("--memory-budget lots: expected a size such as 1G"), "\(words.errorOutput)")
        let alone = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", out, "--workers", "0", "--data", "shared"])
        #expect(alone.status != 0 && alone.errorOutput.contains("--data shared needs workers"), "\(alone.errorOutput)")
    }
}
