import Testing

@testable import PipelineConfig

@Suite struct FieldPathTests {
    @Test func printsDottedKeysAndBracketedIndices() {
        let path = FieldPath.root.key("scene").key("sources").index(2).key("resampling")
        #expect(path.description == "scene.sources[2].resampling")
        #expect(path.lastKey == "resampling")
    }

    @Test func rootPrintsEmpty() {
        #expect(FieldPath.root.description == "")
        #expect(FieldPath.root.isRoot)
    }

    @Test func sourceShorthandMatchesTheReaderPath() {
        #expect(FieldPath.source(1) == FieldPath.root.key("scene").key("sources").index(1))
        #expect(FieldPath.source(1).description == "scene.sources[1]")
    }

    @Test func nestedIndices() {
        #expect(FieldPath.root.key("model").key("bands").index(0).description == "model.bands[0]")
    }
}
