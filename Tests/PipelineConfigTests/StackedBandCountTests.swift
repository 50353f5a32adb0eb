import Testing

@testable import PipelineConfig

/// Checks that need the stacked band count, known once the scene files are open.
@Suite struct StackedBandCountTests {
    /// Two sources whose band counts are unknown until the files are open.
    static func yaml(scale: String = "[0.5]", offset: String = "[0]", bands: String = "[1, 3]") -> String {
        """
        version: 1
        scene:
          sources:
            - path: a.tif
            - path: b.tif
        normalization:
          mode: per_band
          scale: \(scale)
          offset: \(offset)
        model:
          kind: identity
          bands: \(bands)
        """
    }

    @Test func matchingCountsPass() throws {
        try parse(Self.yaml(scale: "[0.5, 0.5, 0.5]")).validateStackedBandCount(3)
        try parse(Self.yaml(offset: "[0, 1, 2, 3]")).validateStackedBandCount(4)
        try parse(Self.yaml(bands: "[20]")).validateStackedBandCount(20)
    }

    @Test func scaleListOfTheWrongLengthPointsAtTheList() throws {
        let spec = try parse(Self.yaml(scale: "[0.5, 0.5, 0.5]"))
        do {
            try spec.validateStackedBandCount(20)
            Issue.record("3 scale values for 20 bands should fail")
        } catch let error as ConfigError {
            expectError(
                error, .invalidValue, line: 8, column: 3, path: "normalization.scale",
                message: "scale has 3 values but the scene stacks 20 bands (give 1 value for all bands, or 20)")
        }
    }

    @Test func offsetListIsCheckedToo() throws {
        let spec = try parse(Self.yaml(offset: "\n    - 0\n    - 1\n    - 2"))
        do {
            try spec.validateStackedBandCount(20)
            Issue.record("3 offsets for 20 bands should fail")
        } catch let error as ConfigError {
            expectError(error, .invalidValue, line: 9, column: 3, path: "normalization.offset", message: "offset has 3 values")
        }
    }

    @Test func identityBandBeyondTheStackPointsAtTheBand() throws {
        let spec = try parse(Self.yaml(bands: "[1, 3, 20]"))
        do {
            try spec.validateStackedBandCount(8)
            Issue.record("band 20 of 8 should fail")
        } catch let error as ConfigError {
            expectError(
                error, .invalidValue, line: 12, column: 17, path: "model.bands[2]",
                message: "band 20 is beyond the 8 stacked bands")
        }
    }

    @Test func checkedAtParseTimeWhenEverySourceListsItsBands() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - {path: a.tif, bands: [1, 2, 3]}
                - {path: b.tif, bands: [1]}
            normalization:
              mode: per_band
              scale: [1, 1]
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 8, path: "normalization.scale", message: "scale has 2 values but the scene stacks 4 bands")
    }

    @Test func scaleAndOffsetOfDifferentLengthsCannotBothFit() {
        expectParseError(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            normalization:
              mode: per_band
              scale: [1, 2, 3]
              offset: [0, 0]
            model: {kind: identity, bands: [1]}
            """,
            .invalidValue, line: 6, path: "normalization.offset", message: "offset has 2 values but scale has 3")
    }

    @Test func specsBuiltInCodeReportWithoutALine() throws {
        let spec = PipelineSpec(
            name: "code", scene: SceneSpec(sources: [SourceSpec(path: "a.tif")]),
            normalization: .perBand(PerBandNormalization(scale: [1, 2])),
            model: .identity(IdentityModel(bands: [1])))
        do {
            try spec.validateStackedBandCount(3)
            Issue.record("2 scale values for 3 bands should fail")
        } catch let error as ConfigError {
            #expect(error.line == nil)
            #expect(error.description == "<pipeline>: normalization.scale: scale has 2 values but the scene stacks 3 bands (give 1 value for all bands, or 3)")
        }
    }
}
