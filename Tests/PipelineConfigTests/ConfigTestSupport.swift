import Testing

@testable import PipelineConfig

/// How the tests name the YAML they parse; errors start with it.
let testFile = "pipelines/test.yaml"
/// Stands in for the YAML file's folder (relative model paths resolve against it).
let testBaseDirectory = "/srv/pipelines"

func parse(_ yaml: String, file: String = testFile) throws -> PipelineSpec {
    try PipelineSpec.parse(yaml: yaml, file: file, baseDirectory: testBaseDirectory)
}

/// The error parsing `yaml` throws, recording an issue when it throws none (or another type).
func parseError(_ yaml: String, file: String = testFile, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    -> ConfigError?
{
    do {
        let spec = try parse(yaml, file: file)
        Issue.record("expected a ConfigError, parsed \(spec)", sourceLocation: sourceLocation)
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("expected a ConfigError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Checks code, position and field path exactly, and that the message contains `message`.
func expectError(
    _ error: ConfigError?, _ code: ConfigError.Code, line: Int, column: Int? = nil, path: String,
    message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let error else { return }  // parseError already recorded the issue
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    if let column {
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
    }
    #expect(error.fieldPath.description == path, "\(error)", sourceLocation: sourceLocation)
    #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
    #expect(error.file == testFile, sourceLocation: sourceLocation)
}

/// Parses `yaml` and expects the error described, in one call.
func expectParseError(
    _ yaml: String, _ code: ConfigError.Code, line: Int, column: Int? = nil, path: String, message: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    expectError(
        parseError(yaml, sourceLocation: sourceLocation), code, line: line, column: column, path: path,
        message: message, sourceLocation: sourceLocation)
}
