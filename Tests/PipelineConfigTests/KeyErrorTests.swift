import Testing

@testable import PipelineConfig

/// Unknown, missing, duplicate and misplaced keys: each with its line and field path.
@Suite struct KeyErrorTests {
    @Test func unknownKeySuggestsTheClosestKnownOne() {
        expectParseError(
            """
            version: 1
            scene:
              sources: [{path: a.tif}]
            tiling:
              tilesize: 512
            model: {kind: identity, bands: [1]}
            """,
            .unknownKey, line: 5, column: 3, path: "tiling.tilesize",
            message: "unknown key 'tilesize' (did you mean 'tile_size'?)")
    }

    @Test func unknownKeyInAListItemNamesTheItem() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                - path: b.tif
                  resample: cubic
            model: {kind: identity, bands: [1]}
            """,
            .unknownKey, line: 6, column: 7, path: "scene.sources[1].resample",
            message: "did you mean 'resampling'?")
    }

    @Test func unknownKeyFarFromAnyListsTheAllowedOnes() {
        expectParseError(
            """
            version: 1
            colour: blue
            """,
            .unknownKey, line: 2, column: 1, path: "colour",
            message: "unknown key 'colour' (expected one of version, name, scene, normalization, tiling, blending, model, outputs, classes, rules)")
    }

    @Test func britishSpellingOfASectionIsCaught() {
        expectParseError(
            """
            version: 1
            normalisation: {mode: none}
            """,
            .unknownKey, line: 2, path: "normalisation", message: "did you mean 'normalization'?")
    }

    @Test func missingTopLevelSection() {
        expectParseError(
            """
            version: 1
            scene:
              sources: [{path: a.tif}]
            """,
            .missingKey, line: 1, column: 1, path: "model", message: "missing required key 'model'")
    }

    @Test func missingKeyPointsAtItsSection() {
        expectParseError(
            """
            version: 1
            scene:
              id: x
            model: {kind: identity, bands: [1]}
            """,
            .missingKey, line: 2, column: 1, path: "scene.sources", message: "missing required key 'sources'")
    }

    @Test func missingPathPointsAtTheListItem() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                - bands: [1]
            model: {kind: identity, bands: [1]}
            """,
            .missingKey, line: 5, column: 7, path: "scene.sources[1].path", message: "missing required key 'path'")
    }

    @Test func missingModelKind() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              bands: [1]
            """,
            .missingKey, line: 3, path: "model.kind", message: "missing required key 'kind'")
    }

    @Test func keyWithoutValueCountsAsMissing() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path:
            model: {kind: identity, bands: [1]}
            """,
            .missingKey, line: 4, column: 7, path: "scene.sources[0].path", message: "'path' needs a value")
    }

    @Test func duplicateKeyNamesTheFirstOne() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            tiling:
              overlap: 32
              tile_size: 128
              overlap: 16
            model: {kind: identity, bands: [1]}
            """,
            .duplicateKey, line: 6, column: 3, path: "tiling.overlap", message: "first given at line 4")
    }

    @Test func identityOnlyKeyWithOnnx() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: onnx
              path: unet.onnx
              bands: [1, 2, 3]
            """,
            .conflictingKey, line: 6, column: 3, path: "model.bands",
            message: "'bands' is only valid for model kind identity")
    }

    @Test func onnxOnlyKeysWithIdentity() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: identity
              bands: [1]
              tta: d4
            """,
            .conflictingKey, line: 6, column: 3, path: "model.tta", message: "'tta' is only valid for model kind onnx")
    }

    @Test func perBandKeysWithAnotherNormalizationMode() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            normalization:
              mode: model
              offset: [0]
            model: {kind: identity, bands: [1]}
            """,
            .conflictingKey, line: 5, column: 3, path: "normalization.offset",
            message: "'offset' is only valid for normalization mode per_band")
    }

    @Test func perBandKeysWithTheDefaultMode() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            normalization:
              scale: [0.5]
            model: {kind: identity, bands: [1]}
            """,
            .conflictingKey, line: 4, path: "normalization.scale", message: "only valid for normalization mode per_band")
    }

    @Test func onnxNeedsAPath() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: onnx
            """,
            .missingKey, line: 3, column: 1, path: "model.path", message: "missing required key 'path'")
    }

    @Test func identityNeedsBands() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: identity
            """,
            .missingKey, line: 3, column: 1, path: "model.bands", message: "missing required key 'bands'")
    }
}
