import Testing

@testable import PipelineConfig

/// The pipeline keys that name a class catalogue and a rule set, and band names.
@Suite struct CataloguePipelineTests {
    static let base = """
        version: 1
        scene:
          sources:
            - path: a.tif
              bands: [1, 2]
              band_names: [red, nir]
            - path: b.tif
              band_names: [swir1, swir2, swir3]
        model: {kind: identity, bands: [1]}

        """

    @Test func catalogueAndRulesResolveAgainstThePipelinesFolder() throws {
        let spec = try parse(Self.base + "classes: ../config/classes/dstl.yaml\nrules: /etc/rules.yaml\n")
        #expect(spec.classes == "/srv/config/classes/dstl.yaml")
        #expect(spec.rules == "/etc/rules.yaml")
        #expect(spec.declaredBandNames == ["red", "nir", "swir1", "swir2", "swir3"])
        #expect(try spec.stackedBandIndices(sourceBandCounts: [2, 3]) == ["red": 1, "nir": 2, "swir1": 3, "swir2": 4, "swir3": 5])
        #expect(try parse(Self.base).classes == nil)
    }

    @Test func aSourceNamingMoreOrFewerBandsThanItGivesIsAnErrorAtItsLine() throws {
        let spec = try parse(Self.base)
        #expect {
            try spec.stackedBandIndices(sourceBandCounts: [2, 4])
        } throws: { error in
            "\(error)" == "pipelines/test.yaml:8:7: scene.sources[1].band_names: 3 band names, but scene.sources[1] (pipelines/test.yaml:7) gives 4 bands to the stack"
        }
        expectParseError(
            "version: 1\nscene:\n  sources:\n    - path: a.tif\n      bands: [1]\n      band_names: [red, nir]\nmodel: {kind: identity, bands: [1]}\n",
            .invalidValue, line: 6, column: 7, path: "scene.sources[0].band_names", message: "2 band names for 1 bands")
    }

    @Test func bandNamesAreUniqueAcrossTheScene() {
        expectParseError(
            "version: 1\nscene:\n  sources:\n    - {path: a.tif, band_names: [red]}\n    - {path: b.tif, band_names: [red]}\nmodel: {kind: identity, bands: [1]}\n",
            .invalidValue, line: 5, path: "scene.sources[1]", message: "band name 'red' is already used by scene.sources[0]")
        expectParseError(
            "version: 1\nscene:\n  sources:\n    - {path: a.tif, band_names: [Red]}\nmodel: {kind: identity, bands: [1]}\n",
            .invalidValue, line: 4, path: "scene.sources[0].band_names[0]", message: "band name 'Red' must be lower-case")
    }

    @Test func rulesNeedACatalogue() {
        expectParseError(
            Self.base + "rules: r.yaml\n", .invalidValue, line: 10, column: 1, path: "rules",
            message: "a rule set needs a class catalogue")
        expectParseError(Self.base + "classes: [a, b]\n", .wrongType, line: 10, path: "classes", message: "expected a string")
    }
}
