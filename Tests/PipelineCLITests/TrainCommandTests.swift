import Foundation
import TestSupport
import Testing

/// `pipeline train` end to end on tiny synth scenes: outputs, the exported model in `pipeline
/// infer` and `pipeline run`, exact resume, and one-line errors for bad inputs.
@Suite(.serialized) struct TrainCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let eventReader = repository + "/Tests/TrainingRunTests/Fixtures/read_events.py"

    /// Two 128² synth scenes (training "a", validation "v") and a training file over them.
    final class Fixture {
        let directory: TemporaryDirectory
        init() throws {
            directory = try TemporaryDirectory()
            for (id, seed) in [("a", "101"), ("v", "201")] {
                let synth = try PipelineBinary.run(["synth", "--out", directory.file(id), "--size", "128", "--seed", seed, "--id", id])
                try #require(synth.status == 0, "\(synth.errorOutput)")
            }
        }

        /// Writes `train.yaml` (or `name`) with the given settings replacing the defaults below.
        @discardableResult
        func config(_ name: String = "train.yaml", classes: String = "[buildings, road, trees, crops]", truth: String = "{mask: \"{id}_truth.tif\"}",
                    patches: String = "{size: 32, batch: 2}", schedule: String = "{epochs: 2, steps_per_epoch: 3, decay: cosine}",
                    architecture: String = "{depth: 2, base_filters: 4}", output: String = "out") throws -> String {
            let text = """
                version: 1
                pipeline: \(TrainCommandTests.repository)/pipelines/demo.yaml
                classes: \(classes)
                scenes:
                  training:
                    - {folder: a, id: a, truth: \(truth)}
                  validation:
                    - {folder: v, id: v, truth: {polygons: "{id}_truth.gpkg"}}
                patches: \(patches)
                schedule: \(schedule)
                architecture: \(architecture)
                seed: 3
                output: \(output)
                """
            try text.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
            return directory.file(name)
        }

        func train(_ arguments: [String]) throws -> PipelineBinary.Result {
            try PipelineBinary.run(["train"] + arguments)
        }
    }

    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aTinyRunWritesEveryOutputAndItsModelRunsInInferAndRun() throws {
        let fixture = try Fixture()
        let result = try fixture.train([try fixture.config(), "--threads", "2"])
        #expect(result.status == 0, "\(result.errorOutput)")
        let out = fixture.directory.file("out")
        #expect(result.output.contains("model written to \(out)/model.onnx"), "\(result.output)")
        #expect(result.output.contains("train: epoch 2 done"), "\(result.output)")
        let csv = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[0].hasPrefix("epoch,step,learning_rate,train_loss,val_mean_jaccard,val_jaccard_buildings"))
        #expect(csv[2].hasPrefix("2,6,"))
        for file in ["checkpoints/last.ckpt", "checkpoints/best.ckpt", "model.onnx"] { #expect(FileManager.default.fileExists(atPath: out + "/" + file)) }
        let events = try FileManager.default.contentsOfDirectory(atPath: out + "/tensorboard")
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."))
        let read = try python([Self.eventReader, out + "/tensorboard/" + events[0]])
        #expect(read.status == 0 && read.output.split(separator: "\n").count == 3 && read.output.contains("val/mean_jaccard"), "\(read.output)")

        // The model's metadata: classes, bands named as the pipeline writes them, the pipeline's
        // normalization (scale 0.00048852, offset 0) as mean 0 and std 1 / 0.00048852.
        let metadata = try python(["-c", """
            import json, onnx, sys
            props = {p.key: p.value for p in onnx.load(sys.argv[1]).metadata_props}
            bands = json.loads(props['input_bands'])
            print(json.dumps([json.loads(props['class_names']), bands[0], bands[4], len(bands), json.loads(props['normalization_mean'])[0],
                              round(json.loads(props['normalization_std'])[19], 3), props['tile_size']]))
            """, out + "/model.onnx"])
        #expect(metadata.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"[["buildings", "road", "trees", "crops"], "{id}.tif:Red", "{id}_M.tif:Coastal", 20, 0, 2046.999, "256"]"#,
                "\(metadata.output)")

        // The model in `pipeline infer`: a 20-band raw chip (ENVI, written by numpy) of 32 x 32.
        let chip = fixture.directory.file("chip.bil")
        let write = try python(["-c", """
            import numpy as np, sys
            rng = np.random.default_rng(0)
            rng.integers(0, 2048, size=(20, 32, 32)).astype('<f4').tofile(sys.argv[1])
            open(sys.argv[1][:-4] + '.hdr', 'w').write('ENVI\\nsamples = 32\\nlines = 32\\nbands = 20\\nheader offset = 0\\nfile type = ENVI Standard\\ndata type = 4\\ninterleave = bsq\\nbyte order = 0\\n')
            """, chip])
        try #require(write.status == 0)
        let infer = try PipelineBinary.run(["infer", out + "/model.onnx", "--input", chip, "--out", fixture.directory.file("p.tif"), "--tta", "d4"])
        #expect(infer.status == 0, "\(infer.errorOutput)")
        let inspect = try PipelineBinary.run(["inspect", fixture.directory.file("p.tif")])
        #expect(inspect.output.contains("32 x 32 px, 4 bands"), "\(inspect.output)")

        // And in a pipeline, over the whole validation scene.
        let pipeline = try String(contentsOfFile: Self.repository + "/pipelines/demo.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  path: ../config/models/default-model.onnx", with: "  path: \(out)/model.onnx")
            .replacingOccurrences(of: "classes: ../config/", with: "classes: \(Self.repository)/config/")
            // The demo's rules name classes this four-class model lacks.
            .replacingOccurrences(of: "rules: ../config/postprocess/default-model.yaml\n", with: "")
        try pipeline.write(toFile: fixture.directory.file("run.yaml"), atomically: true, encoding: .utf8)
        let run = try PipelineBinary.run(["run", fixture.directory.file("run.yaml"), "--scene", fixture.directory.file("v"), "--scene-id", "v",
                                          "--out", fixture.directory.file("map"), "--workers", "0"])
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.output.contains("4 classes"), "\(run.output)")
    }

    @Test func resumeContinuesExactlyAsAnUninterruptedRun() throws {
        let fixture = try Fixture()
        // Constant rate, so stopping after epoch 1 and raising `epochs` to 3 on resume must give
        // the same run as 3 epochs at once (weights, Adam moments, both random generators).
        let whole = try fixture.config("whole.yaml", schedule: "{epochs: 3, steps_per_epoch: 2}", architecture: "{depth: 2, base_filters: 4, dropout: 0.2}", output: "whole")
        #expect(try fixture.train([whole, "--threads", "1"]).status == 0)
        let first = try fixture.config("part.yaml", schedule: "{epochs: 1, steps_per_epoch: 2}", architecture: "{depth: 2, base_filters: 4, dropout: 0.2}", output: "part")
        #expect(try fixture.train([first, "--threads", "1"]).status == 0)
        let rest = try fixture.config("part.yaml", schedule: "{epochs: 3, steps_per_epoch: 2}", architecture: "{depth: 2, base_filters: 4, dropout: 0.2}", output: "part")
        let resumed = try fixture.train([rest, "--threads", "1", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(resumed.output.contains("train: resuming after epoch 1"), "\(resumed.output)")
        let a = FileManager.default.contents(atPath: fixture.directory.file("whole/checkpoints/last.ckpt"))
        let b = FileManager.default.contents(atPath: fixture.directory.file("part/checkpoints/last.ckpt"))
        #expect(a != nil && a == b, "same weights, optimizer and loop state")
        #expect(FileManager.default.contents(atPath: fixture.directory.file("whole/model.onnx"))
                == FileManager.default.contents(atPath: fixture.directory.file("part/model.onnx")))
        func rows(_ folder: String) throws -> [String] {
            try String(contentsOfFile: fixture.directory.file(folder + "/metrics.csv"), encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
        }
        #expect(try rows("whole") == rows("part"))
    }

    @Test func aRunKilledMidwayResumesToTheSameResult() throws {
        let fixture = try Fixture()
        let schedule = "{epochs: 4, steps_per_epoch: 12, decay: cosine}"
        let whole = try fixture.config("whole.yaml", schedule: schedule, output: "whole")
        #expect(try fixture.train([whole, "--threads", "1"]).status == 0)
        let config = try fixture.config("killed.yaml", schedule: schedule, output: "killed")
        let process = Process()
        process.executableURL = PipelineBinary.url
        process.arguments = ["train", config, "--threads", "1"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Killed as soon as the first epoch's checkpoint is there (or when it ends by itself).
        let checkpoint = fixture.directory.file("killed/checkpoints/last.ckpt")
        while process.isRunning && !FileManager.default.fileExists(atPath: checkpoint) { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try fixture.train([config, "--threads", "1", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(resumed.output.contains("train: resuming after epoch"), "\(resumed.output)")
        #expect(FileManager.default.contents(atPath: fixture.directory.file("whole/model.onnx"))
                == FileManager.default.contents(atPath: fixture.directory.file("killed/model.onnx")))
        #expect(FileManager.default.contents(atPath: fixture.directory.file("whole/checkpoints/last.ckpt"))
                == FileManager.default.contents(atPath: checkpoint))
        let rows = try String(contentsOfFile: fixture.directory.file("killed/metrics.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 5 && rows.map { $0.prefix(2) } == ["ep", "1,", "2,", "3,", "4,"], "one row per epoch: \(rows)")
    }

    /// Each bad input: exit status 1 and exactly one line on standard error containing `message`.
    func expectOneLine(_ result: PipelineBinary.Result, _ message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
        #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
        #expect(result.errorOutput.contains(message), "\(result.errorOutput)", sourceLocation: sourceLocation)
    }

    @Test func badInputsAreOneLineEach() throws {
        let fixture = try Fixture()
        expectOneLine(try fixture.train([try fixture.config(patches: "{size: 256}")]),
                      "scenes.training[0] (\(fixture.directory.file("train.yaml")):6): the scene is 128 x 128 px, smaller than the 256-px patches (patches.size)")
        expectOneLine(try fixture.train([try fixture.config(truth: "~")]), "train.yaml:6:7: scenes.training[0]: scene '\(fixture.directory.file("a"))' has no truth")
        expectOneLine(try fixture.train([try fixture.config(truth: "{mask: missing.tif}")]), "scenes.training[0].truth (")
        expectOneLine(try fixture.train([try fixture.config(truth: "{polygons: \"{id}_truth.gpkg\", class_column: class_id}")]),
                      "_truth.gpkg' have class_id '10', not a class of the catalogue")
        expectOneLine(try fixture.train([try fixture.config(classes: "[buildings, lake]")]), "train.yaml:3:22: classes[1]: unknown class 'lake'")

        // A finished run is not overwritten; a checkpoint of another architecture is refused.
        let config = try fixture.config(schedule: "{epochs: 1, steps_per_epoch: 1}")
        #expect(try fixture.train([config]).status == 0)
        expectOneLine(try fixture.train([config]), "already holds a training run")
        let other = try fixture.config(schedule: "{epochs: 2, steps_per_epoch: 1}", architecture: "{depth: 2, base_filters: 8}")
        expectOneLine(try fixture.train([other, "--resume"]), "last.ckpt: the checkpoint is of another architecture (U-Net 20 bands -> 4 classes, depth 2, base 4,")
    }
}
