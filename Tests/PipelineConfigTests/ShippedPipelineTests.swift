import Foundation
import Testing

@testable import PipelineConfig

/// The pipeline files in `pipelines/` load, and say what their comments promise.
@Suite struct ShippedPipelineTests {
    static let pipelinesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pipelines").path

    static let worldView3Sources = [
        SourceSpec(path: "{id}.tif", resampling: .nearest),
        SourceSpec(path: "{id}_P.tif", resampling: .bilinear),
        SourceSpec(path: "{id}_M.tif", resampling: .bilinear),
        SourceSpec(path: "{id}_A.tif", resampling: .cubic),
    ]

    static func sharedSettings(name: String, scene: SceneSpec) -> PipelineSpec {
        PipelineSpec(
            name: name, scene: scene,
            normalization: .perBand(PerBandNormalization(scale: [0.00048852], offset: [0])),
            tiling: TilingSpec(tileSize: 256, overlap: 64, padding: .reflect),
            blending: BlendingSpec(window: .spline),
            model: .identity(IdentityModel(bands: [1, 2, 3], classes: ["red", "green", "blue"])),
            outputs: OutputsSpec(formats: [.probabilities]))
    }

    @Test func demoPipeline() throws {
        let path = Self.pipelinesDirectory + "/demo.yaml"
        let spec = try PipelineSpec.load(path: path)
        let config = URL(fileURLWithPath: Self.pipelinesDirectory).deletingLastPathComponent().appendingPathComponent("config").path
        var expected = Self.sharedSettings(name: "demo", scene: SceneSpec(id: "demo", sources: Self.worldView3Sources))
        // The default model with D4, tiling left to it, the DSTL catalogue and 3rd-place rules.
        expected.tiling = TilingSpec(tileSize: nil, overlap: nil, padding: .reflect)
        expected.model = .onnx(ONNXModel(path: config + "/models/default-model.onnx", classes: nil, tta: .d4, merge: .mean))
        expected.classes = config + "/classes/dstl.yaml"
        expected.rules = config + "/postprocess/default-model.yaml"
        expected.outputs = OutputsSpec(formats: [.probabilities, .classes, .masks, .polygons])
        #expect(spec == expected)
        // RGB 3 + P 1 + M 8 + A 8: the 20-band stack the scale and identity bands must fit.
        try spec.validateStackedBandCount(20)
        #expect(
            try spec.resolvedSourcePaths(sceneDirectory: "demo/scene", sceneID: nil)
                == ["demo/scene/demo.tif", "demo/scene/demo_P.tif", "demo/scene/demo_M.tif", "demo/scene/demo_A.tif"])
        #expect(spec.sourceDescription(3).hasPrefix("scene.sources[3] (\(path):"))
    }

    @Test func dstlPipeline() throws {
        let spec = try PipelineSpec.load(path: Self.pipelinesDirectory + "/dstl-20band.yaml")
        let sources = Self.worldView3Sources.enumerated().map { index, source in
            var source = source
            source.path = (index == 0 ? "three_band/" : "sixteen_band/") + source.path
            if index == 2 { source.bandNames = ["coastal", "blue", "green", "yellow", "red", "red_edge", "nir1", "nir2"] }
            return source
        }
        #expect(spec == Self.sharedSettings(name: "dstl-20band", scene: SceneSpec(id: nil, sources: sources)))
        try spec.validateStackedBandCount(20)
        #expect(try spec.stackedBandIndices(sourceBandCounts: [3, 1, 8, 8])["nir2"] == 12)
        #expect(
            try spec.resolvedSourcePaths(sceneDirectory: "/data/DSTL", sceneID: "6120_2_2")
                == [
                    "/data/DSTL/three_band/6120_2_2.tif", "/data/DSTL/sixteen_band/6120_2_2_P.tif",
                    "/data/DSTL/sixteen_band/6120_2_2_M.tif", "/data/DSTL/sixteen_band/6120_2_2_A.tif",
                ])
        // The DSTL pipeline has no default scene: --scene-id is required.
        #expect(throws: ConfigError.self) { try spec.resolvedSourcePaths(sceneDirectory: "/data/DSTL", sceneID: nil) }
    }

    @Test func loadResolvesTheModelAgainstTheFilesFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-config-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/run.yaml"
        try """
        version: 1
        scene: {sources: [{path: a.tif}]}
        model: {kind: onnx, path: models/unet.onnx}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try PipelineSpec.load(path: file)
        #expect(spec.name == "run")
        guard case .onnx(let model) = spec.model else {
            Issue.record("expected an onnx model")
            return
        }
        #expect(model.path == PathResolution.normalize(folder) + "/models/unet.onnx")
    }

    @Test func missingFileIsOneLine() {
        do {
            _ = try PipelineSpec.load(path: "pipelines/no-such.yaml")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.code == .unreadableFile)
            #expect(error.description == "pipelines/no-such.yaml: no such file")
        } catch {
            Issue.record("expected a ConfigError, got \(error)")
        }
    }

    @Test func directoryIsNotAPipelineFile() {
        #expect {
            try PipelineSpec.load(path: Self.pipelinesDirectory)
        } throws: { error in
            (error as? ConfigError)?.code == .unreadableFile
        }
    }
}
