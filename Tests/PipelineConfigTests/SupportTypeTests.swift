import Testing

@testable import PipelineConfig

@Suite struct ConfigErrorDescriptionTests {
    @Test func fullPosition() {
        let error = ConfigError(
            code: .invalidValue, file: "p.yaml", line: 3, column: 7, fieldPath: FieldPath.root.key("tiling"),
            message: "bad")
        #expect(error.description == "p.yaml:3:7: tiling: bad")
    }

    @Test func noPositionNoPath() {
        #expect(ConfigError(code: .unreadableFile, file: "p.yaml", message: "no such file").description == "p.yaml: no such file")
    }

    @Test func multiLineMessagesAreJoined() {
        let error = ConfigError(code: .syntax, file: "p.yaml", line: 1, column: 1, message: "first\nsecond")
        #expect(error.description == "p.yaml:1:1: first second")
    }
}

@Suite struct KeySuggestionTests {
    @Test func editDistance() {
        #expect(KeySuggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(KeySuggestion.editDistance(Array(""), Array("abc")) == 3)
        #expect(KeySuggestion.editDistance(Array("tile_size"), Array("tile_size")) == 0)
    }

    @Test func suggestsCloseKeysOnly() {
        let keys = TilingSpec.yamlKeys
        #expect(KeySuggestion.closest(to: "tileSize", among: keys) == "tile_size")
        #expect(KeySuggestion.closest(to: "tile-size", among: keys) == "tile_size")
        #expect(KeySuggestion.closest(to: "Overlap", among: keys) == "overlap")
        #expect(KeySuggestion.closest(to: "padd", among: keys) == nil)
        #expect(KeySuggestion.closest(to: "size", among: keys) == nil)
    }
}

@Suite struct PathResolutionTests {
    @Test func normalizesLexically() {
        #expect(PathResolution.normalize("/a/./b/../c//d/") == "/a/c/d")
        #expect(PathResolution.normalize("/../a") == "/a")
        #expect(PathResolution.normalize("../a/../../b") == "../../b")
        #expect(PathResolution.normalize("a/..") == ".")
    }

    @Test func resolvesAgainstAFolder() {
        #expect(PathResolution.resolve("m.onnx", against: "/p/pipelines") == "/p/pipelines/m.onnx")
        #expect(PathResolution.resolve("../m.onnx", against: "pipelines") == "m.onnx")
        #expect(PathResolution.resolve("/abs/../m.onnx", against: "/p") == "/abs/../m.onnx")
        #expect(PathResolution.resolve("m.tif", against: "") == "m.tif")
        #expect(PathResolution.resolve("/vsizip/a.zip/b.tif", against: "/p") == "/vsizip/a.zip/b.tif")
        #expect(PathResolution.resolve("a/b.tif", against: "/vsicurl/https://h/x/") == "/vsicurl/https://h/x/a/b.tif")
    }

    @Test func parentDirectory() {
        #expect(PathResolution.parentDirectory(of: "/a/b/demo.yaml") == "/a/b")
        #expect(PathResolution.parentDirectory(of: "demo.yaml") == ".")
    }
}
