import TestSupport
import Foundation
import Testing

/// `run --scenes LIST`: many scenes in one run, each as a single-scene run would do it.
@Suite struct BatchRunTests {
    /// Synthetic scenes named by their folders, and a small-tile identity pipeline whose outputs
    /// depend on each tile's place (so a tile stitched into the wrong scene or place would show).
    struct Scenes {
        let directory: TemporaryDirectory
        let pipeline: String

        init(_ ids: [String], size: Int = 96) throws {
            directory = try TemporaryDirectory()
            pipeline = directory.file("p.yaml")
            try DistributedFixture.writePipeline(pipeline, model: "{kind: identity, bands: [1, 2, 3, 9], classes: [red, green, blue, nir], tile_signature: true}")
            for (seed, id) in ids.enumerated() { try synth(id, seed: seed + 11, size: size) }
        }

        func synth(_ id: String, seed: Int, size: Int = 96) throws {
            let run = try PipelineBinary.run(["synth", "--out", directory.file("scenes/\(id)"), "--size", String(size), "--seed", String(seed), "--id", id])
            precondition(run.status == 0, run.errorOutput)
        }

        func write(_ name: String, _ text: String) throws -> String {
            try text.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
            return directory.file(name)
        }

        /// The probabilities of a single-scene run of `id` (the reference a batch must equal).
        func single(_ id: String) throws -> Data {
            let out = directory.file("single/\(id)")
            let run = try PipelineBinary.run(["run", pipeline, "--scene", directory.file("scenes/\(id)"), "--scene-id", id, "--out", out, "--workers", "0"])
            precondition(run.status == 0, run.errorOutput)
            return try Data(contentsOf: URL(fileURLWithPath: "\(out)/probabilities.tif"))
        }

        func output(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: directory.file(path))) }

        func batchReport(_ out: String) throws -> [[String: Any]] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("\(out)/batch-report.json")))
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["results"] as? [[String: Any]] ?? []
        }
    }

    /// Runs `pipeline` with `arguments` and `environment`; (status, output, errors).
    static func run(_ arguments: [String], environment: [String: String] = [:], in scenes: Scenes, name: String) throws -> (Int32, String, String) {
        let process = try RunningProcess(arguments, environment: environment, logsIn: scenes.directory, name: name)
        let status = process.wait(seconds: 300) ?? -1
        return (status, process.output, process.errors)
    }

    @Test func aBrokenSceneIsReportedTheOthersCompleteAndResumeSkipsTheFinishedOnes() throws {
        let scenes = try Scenes(["a", "b", "c"])
        try FileManager.default.removeItem(atPath: scenes.directory.file("scenes/b/b_M.tif"))
        let list = try scenes.write("list.txt", "# three scenes\nscenes/a\n\nscenes/b\n  scenes/c  \n")
        // Slow workers (100 ms a tile) so that the scenes' tiles overlap on them.
        let (status, output, errors) = try Self.run(["run", scenes.pipeline, "--scenes", list, "--out", scenes.directory.file("out"), "--workers", "2"],
                                                    environment: ["PIPELINE_FAULT_DELAY_MS": "100"], in: scenes, name: "batch")
        #expect(status != 0, "a failed scene makes the batch fail")
        #expect(errors.contains("scene b (2 of 3): failed: ") && errors.contains("b_M.tif"), "\(errors)")
        #expect(errors.contains("Error: 1 of 3 scene(s) failed"), "\(errors)")
        #expect(output.contains("batch-report.json"))
        let rows = try scenes.batchReport("out")
        #expect(rows.map { $0["status"] as? String } == ["done", "failed", "done"])
        #expect(rows.map { $0["origin"] as? String } == ["\(list):2", "\(list):4", "\(list):5"])
        #expect((rows[1]["error"] as? String)?.contains("scene.sources[1]") == true)
        // Each finished scene equals its single-scene run, byte for byte.
        #expect(try scenes.output("out/a/probabilities.tif") == scenes.single("a"))
        #expect(try scenes.output("out/c/probabilities.tif") == scenes.single("c"))
        #expect(FileManager.default.fileExists(atPath: scenes.directory.file("out/c/run-report.json")))
        // Scene c's tiles went out while scene a still had tiles on the workers.
        let handover = try #require(rows[2]["handoverSeconds"] as? Double)
        #expect(handover < 0, "scene c started \(handover) s after scene a's last tile")

        // Resume after repairing b: a and c are left as they are, b runs.
        try scenes.synth("b", seed: 12)
        let before = try FileManager.default.attributesOfItem(atPath: scenes.directory.file("out/a/probabilities.tif"))[.modificationDate] as? Date
        let (again, _, againErrors) = try Self.run(["run", scenes.pipeline, "--scenes", list, "--out", scenes.directory.file("out"), "--workers", "0", "--resume"],
                                                   in: scenes, name: "resume")
        #expect(again == 0, "\(againErrors)")
        #expect(try scenes.batchReport("out").map { $0["status"] as? String } == ["finished before", "done", "finished before"])
        let after = try FileManager.default.attributesOfItem(atPath: scenes.directory.file("out/a/probabilities.tif"))[.modificationDate] as? Date
        #expect(before == after)
        #expect(try scenes.output("out/b/probabilities.tif") == scenes.single("b"))
    }

    /// Shared storage in a batch: workers read every scene themselves, and the second scene's jobs
    /// (named scene << 32 | tile) find their windows in that scene's recipe.
    @Test func aBatchInSharedModeEqualsItsSingleRuns() throws {
        let scenes = try Scenes(["a", "b"])
        let list = try scenes.write("list.txt", "scenes/a\nscenes/b\n")
        let (status, _, errors) = try Self.run(["run", scenes.pipeline, "--scenes", list, "--out", scenes.directory.file("shared"),
                                                "--workers", "2", "--data", "shared"], in: scenes, name: "shared")
        #expect(status == 0, "\(errors)")
        #expect(try scenes.output("shared/a/probabilities.tif") == scenes.single("a"))
        #expect(try scenes.output("shared/b/probabilities.tif") == scenes.single("b"))
    }

    @Test func aStoppedBatchKeepsItsJournalsAndResumesWhereItStopped() throws {
        let scenes = try Scenes(["a", "b", "c"])
        let list = try scenes.write("list.txt", "scenes/a\nscenes/b\nscenes/c\n")
        let out = scenes.directory.file("out")
        let batch = try RunningProcess(["run", scenes.pipeline, "--scenes", list, "--out", out, "--workers", "1"],
                                       environment: ["PIPELINE_FAULT_DELAY_MS": "300"], logsIn: scenes.directory, name: "stopped")
        // Stopped once scene a is written, while scene b's tiles are on the worker.
        #expect(RunningProcess.waitUntil(seconds: 120) { batch.output.contains("scene a: outputs in") }, "\(batch.errors)")
        batch.signal(SIGTERM)
        #expect(batch.wait(seconds: 60) == 143, "\(batch.errors)")
        #expect(batch.errors.contains("stopped by SIGTERM") && batch.errors.contains("--resume"), "\(batch.errors)")
        #expect(try scenes.batchReport("out").map { $0["status"] as? String } == ["done", "interrupted", "not started"], "\(batch.output)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/b/.journal/run.json"))

        let (status, output, errors) = try Self.run(["run", scenes.pipeline, "--scenes", list, "--out", out, "--workers", "0", "--resume"],
                                                    in: scenes, name: "resumed")
        #expect(status == 0, "\(errors)")
        #expect(output.contains("scene b (2 of 3)") && output.contains("resuming from its journal"), "\(output)")
        #expect(try scenes.batchReport("out").map { $0["status"] as? String } == ["finished before", "done", "done"], "\(output)")
        #expect(try scenes.output("out/b/probabilities.tif") == scenes.single("b"))
        #expect(try scenes.output("out/c/probabilities.tif") == scenes.single("c"))
    }

    @Test func aSTACItemCollectionNamesTheSourcesByAssetKey() throws {
        let scenes = try Scenes(["a", "c"])
        let pipeline = try scenes.write("stac.yaml", """
            version: 1
            scene:
              sources:
                - asset: visual
                - asset: multispectral
                  resampling: bilinear
            normalization: {mode: per_band, scale: [0.00048852]}
            tiling: {tile_size: 48, overlap: 16}
            model: {kind: identity, bands: [1, 2, 3, 9], classes: [red, green, blue, nir], tile_signature: true}
            """)
        // Hrefs relative to the collection file, which sits in a folder of its own.
        func item(_ id: String) -> String {
            """
            {"type": "Feature", "stac_version": "1.0.0", "id": "\(id)", "properties": {}, "geometry": null,
             "assets": {"visual": {"href": "../scenes/\(id)/\(id).tif"}, "multispectral": {"href": "../scenes/\(id)/\(id)_M.tif"}}}
            """
        }
        try FileManager.default.createDirectory(atPath: scenes.directory.file("stac"), withIntermediateDirectories: true)
        let items = try scenes.write("stac/items.json", #"{"type": "FeatureCollection", "features": [\#(item("a")), \#(item("c"))]}"#)
        let (status, _, errors) = try Self.run(["run", pipeline, "--scenes", items, "--out", scenes.directory.file("out"), "--workers", "0"],
                                               in: scenes, name: "stac")
        #expect(status == 0, "\(errors)")
        #expect(try scenes.output("out/a/probabilities.tif") == scenes.single("a"))
        #expect(try scenes.output("out/c/probabilities.tif") == scenes.single("c"))
        let report = try JSONSerialization.jsonObject(with: scenes.output("out/c/run-report.json")) as? [String: Any]
        let source = report?["source"] as? [String: Any]
        #expect((source?["assets"] as? [String: String])?["visual"] == scenes.directory.file("scenes/c/c.tif"))

        // An asset the pipeline names and an item lacks fails that scene alone, at the YAML line.
        let partial = try scenes.write("stac/partial.json", #"{"type": "FeatureCollection", "features": [\#(item("a").replacingOccurrences(of: "multispectral", with: "ms"))]}"#)
        let (failed, _, failedErrors) = try Self.run(["run", pipeline, "--scenes", partial, "--out", scenes.directory.file("out2"), "--workers", "0"],
                                                     in: scenes, name: "partial")
        #expect(failed != 0)
        #expect(failedErrors.contains("stac.yaml:5:") && failedErrors.contains("has no asset 'multispectral'"), "\(failedErrors)")
    }

    @Test func aBadListIsOneLinePerProblemAndWritesNothing() throws {
        let scenes = try Scenes(["a"], size: 48)
        let list = try scenes.write("list.txt", "scenes/a\nscenes/missing\n# a comment\nscenes/gone\n")
        let out = scenes.directory.file("out")
        let missing = try PipelineBinary.run(["run", scenes.pipeline, "--scenes", list, "--out", out])
        #expect(missing.status != 0)
        let lines = missing.errorOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(missing.errorOutput)")
        #expect(lines.first?.contains("list.txt:2: scene folder 'scenes/missing'") == true && lines.last?.contains("list.txt:4:") == true, "\(missing.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let broken = try scenes.write("items.json", #"{"type": "FeatureCollection", "features": [{"id": "a", "#)
        let unreadable = try PipelineBinary.run(["run", scenes.pipeline, "--scenes", broken, "--out", out])
        #expect(unreadable.status != 0)
        #expect(unreadable.errorOutput.split(separator: "\n").count == 1 && unreadable.errorOutput.contains("items.json: not valid JSON"), "\(unreadable.errorOutput)")
        let absent = try PipelineBinary.run(["run", scenes.pipeline, "--scenes", scenes.directory.file("nothing.txt"), "--out", out])
        #expect(absent.errorOutput.split(separator: "\n").count == 1 && absent.errorOutput.contains("nothing.txt: cannot read the scene list"), "\(absent.errorOutput)")
        let withID = try PipelineBinary.run(["run", scenes.pipeline, "--scenes", list, "--scene-id", "a", "--out", out])
        #expect(withID.errorOutput.contains("--scene-id names the scene of a single run"), "\(withID.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func theCoordinatorCommandServesABatchToWorkersAnywhere() throws {
        let scenes = try Scenes(["a", "c"], size: 64)
        // Scene ids against a base folder (--scene): the DSTL layout, every scene's files in one place.
        for id in ["a", "c"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: scenes.directory.file("scenes/\(id)")) {
                try FileManager.default.createDirectory(atPath: scenes.directory.file("flat"), withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: scenes.directory.file("scenes/\(id)/\(file)"), toPath: scenes.directory.file("flat/\(file)"))
            }
        }
        let list = try scenes.write("ids.txt", "a\nc\n")
        let coordinator = try RunningProcess(["coordinator", scenes.pipeline, "--scenes", list, "--scene", scenes.directory.file("flat"),
                                              "--out", scenes.directory.file("out"), "--bind", "tcp://127.0.0.1:*"], logsIn: scenes.directory, name: "coordinator")
        let endpoint = try #require(coordinator.listeningEndpoint())
        let worker = try RunningProcess(["worker", "--connect", endpoint, "--threads", "1"], logsIn: scenes.directory, name: "worker")
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(worker.wait(seconds: 30) == 0, "\(worker.errors)")
        #expect(try scenes.output("out/a/probabilities.tif") == scenes.single("a"))
        #expect(try scenes.output("out/c/probabilities.tif") == scenes.single("c"))
        #expect(coordinator.output.contains("done"))
    }
}
