internal import Yams

/// What every reader of one document shares: the file name for errors, and the table of where each
/// setting was written, filled in as values are read and handed to the spec at the end.
final class ReadContext {
    let file: String
    private(set) var locations: SpecLocations

    init(file: String) {
        self.file = file
        self.locations = SpecLocations(file: file)
    }

    func record(_ path: FieldPath, at location: SourceLocation) {
        locations[path] = location
    }

    func location(of mark: Mark?, orElse fallback: SourceLocation) -> SourceLocation {
        // Nodes made by a version upgrade have no mark; they inherit their parent's place.
        guard let mark else { return fallback }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func error(_ code: ConfigError.Code, at location: SourceLocation, path: FieldPath, _ message: String) -> ConfigError {
        ConfigError(code: code, at: location, file: file, fieldPath: path, message: message)
    }
}
