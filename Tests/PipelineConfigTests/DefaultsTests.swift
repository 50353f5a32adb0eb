import Testing

@testable import PipelineConfig

@Suite struct DefaultsTests {
    static let minimalYAML = """
        version: 1
        scene:
          sources:
            - path: scene.tif
            - path: scene_M.tif
        model:
          kind: identity
          bands: [1, 2]
        """

    @Test func omittedSectionsTakeTheDocumentedDefaults() throws {
        let spec = try parse(Self.minimalYAML, file: "pipelines/minimal.yaml")
        let expected = PipelineSpec(
            name: "minimal",
            scene: SceneSpec(
                sources: [
                    SourceSpec(path: "scene.tif", resampling: .nearest),
                    SourceSpec(path: "scene_M.tif", resampling: .bilinear),
                ]),
            model: .identity(IdentityModel(bands: [1, 2], classes: ["band_1", "band_2"])))
        #expect(spec == expected)
        #expect(spec.scene.id == nil)
        #expect(spec.scene.reference == 0)
        #expect(spec.normalization == .passThrough)
        #expect(spec.tiling == TilingSpec(tileSize: nil, overlap: nil, padding: .reflect), "left to the run, which follows the model")
        #expect(spec.blending.window == .spline)
        #expect(spec.outputs == OutputsSpec(directory: nil, formats: [.probabilities]))
        #expect(spec.scene.sources[0].bands == nil)
        #expect(spec.scene.sources[0].nodata == nil)
    }

    @Test func emptySectionsReadAsDefaults() throws {
        let spec = try parse(
            Self.minimalYAML + """

                normalization:
                tiling: ~
                blending: {}
                outputs:
                """)
        #expect(spec == (try parse(Self.minimalYAML)))
    }

    @Test func perBandModeDefaultsToTheIdentityTransform() throws {
        let spec = try parse(Self.minimalYAML + "\nnormalization: {mode: per_band}")
        #expect(spec.normalization == .perBand(PerBandNormalization(scale: [1], offset: [0])))
    }

    @Test func resamplingDefaultFollowsTheReference() throws {
        let spec = try parse(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                - path: b.tif
              reference: 1
            model: {kind: identity, bands: [1]}
            """)
        #expect(spec.scene.sources.map(\.resampling) == [.bilinear, .nearest])
    }

    @Test func nameDefaultsToTheFileNameWithoutExtension() {
        #expect(PipelineSpec.Defaults.name(forFile: "pipelines/dstl-20band.yaml") == "dstl-20band")
        #expect(PipelineSpec.Defaults.name(forFile: "demo") == "demo")
        #expect(PipelineSpec.Defaults.name(forFile: "/a/b.c/run.v2.yml") == "run.v2")
        #expect(PipelineSpec.Defaults.name(forFile: ".hidden") == ".hidden")
    }

    @Test func codeBuiltSpecsUseTheSameDefaults() {
        #expect(TilingSpec() == TilingSpec(tileSize: nil, overlap: nil, padding: .reflect))
        #expect(IdentityModel(bands: [4, 7]).classes == ["band_4", "band_7"])
        #expect(ONNXModel(path: "/m.onnx").tta == .d4)
        #expect(ONNXModel(path: "/m.onnx").merge == .mean)
        #expect(PipelineSpec.currentVersion == 1)
    }
}
