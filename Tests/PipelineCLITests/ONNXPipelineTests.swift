import TestSupport
import Foundation
import Testing

/// A U-Net in ONNX through the whole pipeline: in process and on workers, with D4.
@Suite(.serialized) struct ONNXPipelineTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/make_pipeline_model.py").path

    func makeModel(_ path: String, bands: Int, tile: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, path, String(bands), String(tile)]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "make_pipeline_model.py failed")
    }

    func pipeline(_ fixture: DistributedFixture, model: String, tta: String) throws -> String {
        let path = fixture.directory.file("onnx-\(tta).yaml")
        try DistributedFixture.writePipeline(path, model: "{kind: onnx, path: \(model), tta: \(tta)}")
        return path
    }

    @Test func aUNetRunsInProcessAndOnWorkersWithTheSameBytes() throws {
        let fixture = try DistributedFixture(size: 120)
        let model = fixture.directory.file("unet.onnx")
        try makeModel(model, bands: 11, tile: 48)
        let yaml = try pipeline(fixture, model: model, tta: "d4")
        let local = try PipelineBinary.run(["run", yaml, "--scene", fixture.scene, "--out", fixture.directory.file("local"), "--workers", "0"])
        #expect(local.status == 0, "\(local.errorOutput)")
        #expect(local.output.contains("2 classes"))
        let remote = try PipelineBinary.run(["run", yaml, "--scene", fixture.scene, "--out", fixture.directory.file("remote"), "--workers", "2", "--threads", "1"])
        #expect(remote.status == 0, "\(remote.errorOutput)")
        #expect(try fixture.output("local") == fixture.output("remote"))
        let inspect = try PipelineBinary.run(["inspect", fixture.directory.file("local/probabilities.tif")])
        #expect(inspect.output.contains("class0") && inspect.output.contains("class1"), "class names come from the model's metadata")
    }

    @Test func aBandCountMismatchIsOneErrorWithBothNumbers() throws {
        let fixture = try DistributedFixture(size: 64)
        let model = fixture.directory.file("five-band.onnx")
        try makeModel(model, bands: 5, tile: 48)
        let run = try PipelineBinary.run(["run", try pipeline(fixture, model: model, tta: "none"), "--scene", fixture.scene,
                                          "--out", fixture.directory.file("out"), "--workers", "0"])
        #expect(run.status != 0)
        #expect(run.errorOutput.split(separator: "\n").count == 1, "\(run.errorOutput)")
        #expect(run.errorOutput.contains("expects 5 input bands") && run.errorOutput.contains("11"), "\(run.errorOutput)")
        #expect(run.errorOutput.contains("model.path ("), "names the pipeline line: \(run.errorOutput)")
    }
}
