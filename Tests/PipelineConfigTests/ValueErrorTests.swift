import Testing

@testable import PipelineConfig

/// Values of the wrong type or out of range: each with its line and field path.
@Suite struct ValueErrorTests {
    /// A valid document with `tiling` left to the test.
    static func withTiling(_ tiling: String) -> String {
        """
        version: 1
        scene: {sources: [{path: a.tif}]}
        model: {kind: identity, bands: [1]}
        tiling:
        \(tiling)
        """
    }

    @Test func descriptionIsOneCompilerStyleLine() throws {
        let yaml = """
            # The demo pipeline.
            #
            # (These comments push the error down to line 14.)
            #
            #
            version: 1
            scene:
              id: demo
              sources:
              - path: "{id}.tif"
              - path: "{id}_M.tif"
                resampling: bilinear
              - path: "{id}_A.tif"
                resampling: bicubic
            model: {kind: identity, bands: [1]}
            """
        let error = try #require(parseError(yaml, file: "pipelines/demo.yaml"))
        #expect(
            error.description
                == "pipelines/demo.yaml:14:5: scene.sources[2].resampling: unknown resampling 'bicubic' "
                + "(expected one of nearest, bilinear, cubic, average)")
        #expect(error.code == .invalidValue)
    }

    @Test func wrongTypeForAnInteger() {
        expectParseError(
            Self.withTiling("  tile_size: abc"), .wrongType, line: 5, column: 3, path: "tiling.tile_size",
            message: "expected an integer, got 'abc'")
    }

    @Test func quotedNumberIsAString() {
        expectParseError(
            Self.withTiling("  overlap: \"32\""), .wrongType, line: 5, path: "tiling.overlap",
            message: "expected an integer, got the quoted string \"32\"")
    }

    @Test func fractionIsNotAnInteger() {
        expectParseError(
            Self.withTiling("  tile_size: 256.5"), .wrongType, line: 5, path: "tiling.tile_size",
            message: "expected an integer, got '256.5'")
    }

    @Test func scalarWhereAListBelongs() {
        expectParseError(
            """
            version: 1
            scene:
              sources: a.tif
            model: {kind: identity, bands: [1]}
            """,
            .wrongType, line: 3, column: 3, path: "scene.sources", message: "expected a list, got 'a.tif'")
    }

    @Test func listWhereAMappingBelongs() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model: [identity]
            """,
            .wrongType, line: 3, column: 1, path: "model", message: "expected a mapping, got a list")
    }

    @Test func wrongTypeInsideANumberList() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            normalization:
              mode: per_band
              scale:
                - 0.5
                - half
            model: {kind: identity, bands: [1]}
            """,
            .wrongType, line: 7, column: 7, path: "normalization.scale[1]", message: "expected a number, got 'half'")
    }

    @Test func nonFiniteNumbersAreRejected() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - {path: a.tif, nodata: .nan}
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 4, path: "scene.sources[0].nodata", message: "expected a finite number, got '.nan'")
    }

    @Test func badEnumValueListsTheAllowedOnes() {
        expectParseError(
            Self.withTiling("  padding: mirror"), .invalidValue, line: 5, column: 3, path: "tiling.padding",
            message: "unknown padding 'mirror' (expected one of reflect, zero, edge)")
    }

    @Test func badModelKind() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: pytorch
            """,
            .invalidValue, line: 4, path: "model.kind", message: "unknown model kind 'pytorch' (expected one of identity, onnx)")
    }

    @Test func overlapAsLargeAsTheTile() {
        expectParseError(
            Self.withTiling("  tile_size: 128\n  overlap: 128"), .invalidValue, line: 6, column: 3,
            path: "tiling.overlap", message: "overlap 128 must be smaller than the tile size 128")
    }

    @Test func eitherTilingValueMayBeLeftToTheRun() throws {
        // The run chooses the other from the model, so a small tile alone is no longer an error.
        #expect(try parse(Self.withTiling("  tile_size: 64")).tiling == TilingSpec(tileSize: 64, overlap: nil))
        #expect(try parse(Self.withTiling("  overlap: 256")).tiling == TilingSpec(tileSize: nil, overlap: 256))
        expectParseError(
            Self.withTiling("  overlap: 8192"), .invalidValue, line: 5, path: "tiling.overlap",
            message: "must be smaller than the largest tile size 8192")
    }

    @Test func oddOverlap() {
        expectParseError(
            Self.withTiling("  overlap: 33"), .invalidValue, line: 5, path: "tiling.overlap", message: "overlap 33 must be even")
    }

    @Test func negativeOverlap() {
        expectParseError(
            Self.withTiling("  overlap: -2"), .invalidValue, line: 5, path: "tiling.overlap", message: "must not be negative")
    }

    @Test func tileSizeOutOfRange() {
        expectParseError(
            Self.withTiling("  tile_size: 8"), .invalidValue, line: 5, path: "tiling.tile_size",
            message: "tile size 8 is out of range (16 to 8192)")
        expectParseError(
            Self.withTiling("  tile_size: 10000"), .invalidValue, line: 5, path: "tiling.tile_size",
            message: "tile size 10000 is out of range")
    }

    @Test func duplicateBandsPointAtTheRepeat() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                  bands: [1, 2, 1]
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 5, column: 21, path: "scene.sources[0].bands[2]",
            message: "duplicate band 1 (already at [0])")
    }

    @Test func bandIndexZero() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                  bands:
                    - 0
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 6, column: 11, path: "scene.sources[0].bands[0]",
            message: "band index 0 is invalid: bands are numbered from 1")
    }

    @Test func emptyBandList() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - {path: a.tif, bands: []}
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 4, path: "scene.sources[0].bands", message: "needs at least one band index")
    }

    @Test func duplicateIdentityBands() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: identity
              bands: [2, 2]
            """,
            .invalidValue, line: 5, path: "model.bands[1]", message: "duplicate band 2")
    }

    @Test func referenceOutOfRange() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                - path: b.tif
              reference: 2
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 6, column: 3, path: "scene.reference",
            message: "reference 2 is out of range: scene.sources has 2 entries, indexed 0 to 1")
    }

    @Test func negativeReference() {
        expectParseError(
            """
            version: 1
            scene:
              sources: [{path: a.tif}]
              reference: -1
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 4, path: "scene.reference", message: "scene.sources has 1 entry, index 0")
    }

    @Test func emptySourceList() {
        expectParseError(
            """
            version: 1
            scene:
              sources: []
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 3, path: "scene.sources", message: "needs at least one source file")
    }

    @Test func unknownPlaceholderInAPath() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: "{scene}.tif"
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 4, path: "scene.sources[0].path", message: "unknown placeholder '{scene}'")
    }

    @Test func classCountMustMatchIdentityBands() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: identity
              bands: [1, 2, 3]
              classes: [red, green]
            """,
            .invalidValue, line: 6, path: "model.classes", message: "2 class names for 3 bands")
    }

    @Test func duplicateClassNames() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model:
              kind: onnx
              path: m.onnx
              classes: [road, track, road]
            """,
            .invalidValue, line: 6, path: "model.classes[2]", message: "duplicate class name 'road'")
    }

    @Test func unknownOutputFormat() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            outputs:
              formats: [probabilities, shapefile]
            """,
            .invalidValue, line: 5, path: "outputs.formats[1]",
            message: "unknown output format 'shapefile' (expected one of probabilities, classes, masks, polygons, geojson)")
    }

    @Test func duplicateOutputFormat() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            outputs:
              formats: [probabilities, probabilities]
            """,
            .invalidValue, line: 5, path: "outputs.formats[1]", message: "duplicate format 'probabilities'")
    }

    @Test func emptyName() {
        expectParseError(
            """
            version: 1
            name: ""
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 2, path: "name", message: "must not be empty")
    }
}
