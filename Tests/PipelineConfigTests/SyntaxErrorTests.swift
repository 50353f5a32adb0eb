import Testing

@testable import PipelineConfig

/// YAML that does not parse, and documents that are not a pipeline at all.
@Suite struct SyntaxErrorTests {
    @Test func unclosedFlowListReportsTheLineYamsGives() {
        // libyaml notices the missing ']' where the next key starts.
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
                  bands: [1, 2
            model: {kind: identity, bands: [1]}
            """,
            .syntax, line: 6, path: "", message: "did not find expected ',' or ']'")
    }

    @Test func badIndentationReportsItsLine() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - path: a.tif
               reference: 0
            """,
            .syntax, line: 5, path: "", message: "did not find expected key")
    }

    @Test func tabIndentationIsASyntaxError() {
        expectParseError(
            "version: 1\nscene:\n\tsources: []\n", .syntax, line: 3, path: "",
            message: "found character that cannot start any token")
    }

    @Test func syntaxErrorDescriptionStaysOnOneLine() throws {
        let error = try #require(parseError("version: 1\nscene: [a\n"))
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix("pipelines/test.yaml:"))
    }

    @Test func twoDocumentsAreRejected() {
        expectParseError(
            "version: 1\n---\nversion: 1\n", .syntax, line: 2, path: "", message: "but found another document")
    }

    @Test func emptyFile() {
        expectParseError("# nothing but a comment\n", .missingKey, line: 1, path: "", message: "the file holds no pipeline")
    }

    @Test func topLevelListIsNotAPipeline() {
        expectParseError(
            "- version: 1\n", .wrongType, line: 1, column: 1, path: "",
            message: "expected a mapping of settings at the top level, got a list")
    }
}
