import Foundation
import TestSupport
import Testing

/// `pipeline inspect` on ONNX models: metadata, shapes, size, cost, receptive field; bad files.
@Suite struct InspectModelTests {
    /// The test U-Net (depth 2, base 4) for 3 bands at 48 px, with normalization metadata.
    static func model(in directory: TemporaryDirectory, name: String = "unet.onnx") throws -> String {
        let path = directory.file(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ONNXPipelineTests.script, path, "3", "48", "2", "--normalization", "1000", "400"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "make_pipeline_model.py failed")
        return path
    }

    @Test func describesAModel() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model(in: directory)
        let result = try PipelineBinary.run(["inspect", model])
        #expect(result.status == 0, "\(result.errorOutput)")
        for expected in [
            "input      input: N x 3 x H x W",
            "output     output: 2 x 48 x 48 for a 48-px tile",
            "classes    class0, class1",
            "normalize  mean [1000, 1000, 1000], std [400, 400, 400]",
            "tile size  48 px (metadata); takes multiples of 4 px",
            "parameters 7,714",  // the sum of the initializers' sizes
            // 2 x multiply-adds of every convolution and ConvTranspose, counted by hand per layer: 7,464,960.
            "FLOPs      7.46 MFLOP per 48-px tile",
            // encoder 2 x 3x3 (+-2), pool, 2 x 3x3 at half resolution, ConvTranspose, 2 x 3x3 per level.
            "receptive  44 px, radius 23 px",
            "overlap 48 or more (multiple of 8)",
        ] {
            #expect(result.output.contains(expected), "missing '\(expected)' in:\n\(result.output)")
        }
    }

    @Test func aModelIsRecognizedByItsContentAndRastersStillWork() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model(in: directory)
        let renamed = directory.file("weights.bin")
        try FileManager.default.copyItem(atPath: model, toPath: renamed)
        let synth = try PipelineBinary.run(["synth", "--out", directory.file("scene"), "--size", "64", "--id", "s"])
        try #require(synth.status == 0, "\(synth.errorOutput)")
        let result = try PipelineBinary.run(["inspect", renamed, directory.file("scene/s.tif")])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("receptive  44 px, radius 23 px"))
        #expect(result.output.contains("driver     GTiff"))
    }

    @Test func aBrokenModelIsOneLineAndTheOtherPathsAreStillDescribed() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model(in: directory)
        let broken = directory.file("broken.onnx")
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: broken))
        let result = try PipelineBinary.run(["inspect", broken, model])
        #expect(result.status == 1)
        let errors = result.errorOutput.split(separator: "\n")
        #expect(errors.count == 1 && errors[0].hasPrefix("inspect: ") && errors[0].contains("broken.onnx"), "\(result.errorOutput)")
        #expect(result.output.contains("radius 23 px"), "the good model is still described")
    }
}
