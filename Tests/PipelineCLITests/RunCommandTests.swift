import TestSupport
import Foundation
import Testing

@Suite struct RunCommandTests {
    /// The repository's pipelines folder, found from this file's path.
    static let pipelines = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("pipelines").path

    @Test func demoPipelineRunsOnASynthScene() throws {
        let directory = try TemporaryDirectory()
        let scene = directory.file("scene"), out = directory.file("out")
        #expect(try PipelineBinary.run(["synth", "--out", scene, "--size", "160", "--seed", "2", "--id", "demo"]).status == 0)
        // The demo's one D4 tile runs in a debug build here; on a machine loaded by parallel tests it
        // can outlast the default 120 s lease, and a lease that expires three times quarantines it.
        let run = try PipelineBinary.run(["run", "\(Self.pipelines)/demo.yaml", "--scene", scene, "--out", out],
                                         environment: ["PIPELINE_LEASE_SECONDS": "1800"])
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.output.contains("160 x 160 px, 20 bands, CRS EPSG:32631"))
        #expect(run.output.contains("(100%)"))
        for file in ["probabilities.tif", "decided.tif", "classes.tif", "polygons.gpkg", "masks/road.tif"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(file)")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/run-report.json"))) as? [String: Any]
        let counts = report?["run"] as? [String: Any]
        #expect(counts?["tilesCommitted"] as? Int == counts?["tilesTotal"] as? Int)
        #expect((counts?["bands"] as? [String])?.count == 20)
        #expect((report?["workersSeen"] as? Int ?? 0) >= 1)
        let inspect = try PipelineBinary.run(["inspect", "\(out)/probabilities.tif"])
        #expect(inspect.output.contains("EPSG:32631") && inspect.output.contains("nodata 255  buildings"))
    }

    /// One run path: local workers and the in-process executor give the same bytes, with a model
    /// whose output depends on each tile's place (so a misplaced tile would show).
    @Test func workersAndInProcessRunsGiveTheSameBytes() throws {
        let fixture = try DistributedFixture()
        let run = try PipelineBinary.run(["run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("two"), "--workers", "2"])
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(try fixture.output("two") == fixture.reference)
        #expect(try fixture.report("two")["workersSeen"] as? Int == 2)
    }

    @Test func aMissingSceneFileNamesTheSourceAndItsLine() throws {
        let directory = try TemporaryDirectory()
        #expect(try PipelineBinary.run(["synth", "--out", directory.path, "--size", "64", "--seed", "2", "--id", "demo"]).status == 0)
        try FileManager.default.removeItem(atPath: directory.file("demo_M.tif"))
        let run = try PipelineBinary.run(["run", "\(Self.pipelines)/demo.yaml", "--scene", directory.path, "--out", directory.file("out")])
        #expect(run.status != 0)
        let lines = run.errorOutput.split(separator: "\n")
        #expect(lines.count == 1, "\(run.errorOutput)")
        #expect(run.errorOutput.contains("scene.sources[2] (") && run.errorOutput.contains("demo.yaml:") && run.errorOutput.contains("demo_M.tif"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out/probabilities.tif")))
    }

    @Test func aBadPipelineGivesItsFileAndLine() throws {
        let directory = try TemporaryDirectory()
        let yaml = directory.file("bad.yaml")
        try """
            version: 1
            scene:
              sources:
                - path: a.tif
            tiling:
              tile_sise: 128
            model:
              kind: identity
              bands: [1]
            """.write(toFile: yaml, atomically: true, encoding: .utf8)
        let run = try PipelineBinary.run(["run", yaml, "--scene", directory.path, "--out", directory.file("out")])
        #expect(run.status != 0)
        #expect(run.errorOutput.contains("bad.yaml:6:"), "\(run.errorOutput)")
        #expect(run.errorOutput.contains("tile_size"))
    }
}
