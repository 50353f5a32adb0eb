import Foundation
import Testing

@testable import PipelineConfig

@Suite struct ValidSpecTests {
    static let fullYAML = """
        version: 1
        name: full
        scene:
          id: s1
          sources:
            - path: "{id}.tif"
              bands: [3, 2, 1]
              nodata: 0
            - path: "{id}_M.tif"
              resampling: cubic
              nodata: -9999.5
          reference: 0
        normalization:
          mode: per_band
          scale: [0.5, 0.25, 0.125, 1]
          offset: [-1]
        tiling:
          tile_size: 512
          overlap: 32
          padding: edge
        blending:
          window: hann
        model:
          kind: identity
          bands: [4, 1]
          classes: [nir, blue]
        outputs:
          directory: out/full
          formats: [probabilities]
        """

    @Test func fullSpecReadsEverySetting() throws {
        let spec = try parse(Self.fullYAML)
        let expected = PipelineSpec(
            name: "full",
            scene: SceneSpec(
                id: "s1",
                sources: [
                    SourceSpec(path: "{id}.tif", bands: [3, 2, 1], resampling: .nearest, nodata: 0),
                    SourceSpec(path: "{id}_M.tif", resampling: .cubic, nodata: -9999.5),
                ],
                reference: 0),
            normalization: .perBand(PerBandNormalization(scale: [0.5, 0.25, 0.125, 1], offset: [-1])),
            tiling: TilingSpec(tileSize: 512, overlap: 32, padding: .edge),
            blending: BlendingSpec(window: .hann),
            model: .identity(IdentityModel(bands: [4, 1], classes: ["nir", "blue"])),
            outputs: OutputsSpec(directory: "out/full", formats: [.probabilities]))
        #expect(spec == expected)
        #expect(spec.version == 1)
    }

    @Test func onnxModelResolvesItsPathAgainstTheYAMLFolder() throws {
        let spec = try parse(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
            model:
              kind: onnx
              path: ../models/./unet.onnx
              classes: [buildings, roads]
              tta: none
              merge: geometric_mean
            """)
        #expect(
            spec.model
                == .onnx(
                    ONNXModel(
                        path: "/srv/models/unet.onnx", classes: ["buildings", "roads"], tta: .disabled,
                        merge: .geometricMean)))
        #expect(spec.model.kind == .onnx)
    }

    @Test func onnxDefaultsAndAbsolutePath() throws {
        let spec = try parse(
            """
            version: 1
            scene:
              sources: [{path: a.tif}]
            model:
              kind: onnx
              path: /models/unet.onnx
            """)
        #expect(spec.model == .onnx(ONNXModel(path: "/models/unet.onnx", classes: nil, tta: .d4, merge: .mean)))
        #expect(spec.model.classes == nil)
    }

    @Test func encodesToFlatJSONAndBack() throws {
        let spec = try parse(Self.fullYAML)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(spec)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains(#""model":{"bands":[4,1],"classes":["nir","blue"],"kind":"identity","tile_signature":false}"#))
        #expect(json.contains(#""normalization":{"mode":"per_band","offset":[-1],"scale":[0.5,0.25,0.125,1]}"#))
        #expect(json.contains(#""tile_size":512"#))
        #expect(!json.contains("locations"))

        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(PipelineSpec.self, from: data) == spec)
    }

    @Test func onnxAndModeNoneRoundTripThroughJSON() throws {
        let spec = try parse(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            normalization: {mode: model}
            model: {kind: onnx, path: m.onnx, tta: d4}
            """)
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(PipelineSpec.self, from: data) == spec)
        #expect(spec.normalization == .fromModel)
    }

    @Test func equalityIgnoresWhereSettingsWereWritten() throws {
        let shifted = "# a comment that moves every line down\n\n" + Self.fullYAML
        let a = try parse(Self.fullYAML)
        let b = try parse(shifted)
        #expect(a == b)
        #expect(a.locations[.source(1)]?.line == 9)
        #expect(b.locations[.source(1)]?.line == 11)
    }

    @Test func keepsEachSourceLineForLaterErrors() throws {
        let spec = try parse(Self.fullYAML)
        #expect(spec.sourceDescription(0) == "scene.sources[0] (pipelines/test.yaml:6)")
        #expect(spec.sourceDescription(1) == "scene.sources[1] (pipelines/test.yaml:9)")
        #expect(spec.locations[FieldPath.source(1).key("resampling")] == PipelineConfig.SourceLocation(file: testFile, line: 10, column: 7))
    }

    @Test func stackedBandCountIsKnownOnlyWhenEverySourceListsItsBands() throws {
        #expect(try parse(Self.fullYAML).declaredStackedBandCount == nil)
        let listed = try parse(
            """
            version: 1
            scene:
              sources:
                - {path: a.tif, bands: [1, 2]}
                - {path: b.tif, bands: [5]}
            model: {kind: identity, bands: [3]}
            """)
        #expect(listed.declaredStackedBandCount == 3)
    }

    @Test func namedBandsOfPerBandNormalizationBroadcastASingleValue() {
        let single = PerBandNormalization(scale: [2], offset: [1, 2, 3])
        #expect(single.scale(ofBand: 2) == 2)
        #expect(single.offset(ofBand: 2) == 3)
    }
}
