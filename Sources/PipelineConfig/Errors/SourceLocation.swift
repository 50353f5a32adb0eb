/// A place in a pipeline file: `pipelines/demo.yaml:9:5`.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in Unicode scalars (libyaml's count).
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line`, the short form used after a setting's name: `scene.sources[1] (pipelines/demo.yaml:9)`.
    public var description: String { "\(file):\(line)" }
}

/// Where each setting of a parsed spec was written, so that checks made later (once the scene files
/// are open) can still point at the line of the YAML that caused them.
///
/// Keyed by field path; values (`scene.sources[1].path`) are recorded at their value, sections and
/// list items (`scene.sources[1]`) where they start. A spec built in code has an empty table.
public struct SpecLocations: Sendable, Hashable {
    /// The pipeline file as the user named it; used for errors about settings that have no location.
    public var file: String
    private var table: [FieldPath: SourceLocation]

    public init(file: String = "<pipeline>", table: [FieldPath: SourceLocation] = [:]) {
        self.file = file
        self.table = table
    }

    public subscript(path: FieldPath) -> SourceLocation? {
        get { table[path] }
        set { table[path] = newValue }
    }

    /// `scene.sources[1] (pipelines/demo.yaml:9)`, or just the path when the spec was built in code.
    public func describe(_ path: FieldPath) -> String {
        guard let location = table[path] else { return path.description }
        return "\(path) (\(location))"
    }

    /// An error pointing at the setting `path` (its line when known, else just the file).
    public func error(_ code: ConfigError.Code, at path: FieldPath, _ message: String) -> ConfigError {
        ConfigError(code: code, at: table[path], file: file, fieldPath: path, message: message)
    }
}

/// Keeps a value beside a spec without making it part of the spec's identity: `==` ignores it and
/// `hash(into:)` skips it.
///
/// Used for `PipelineSpec.locations`: where a spec was written does not change what it says, so a
/// parsed spec equals the same spec built in code, and two files with the same settings on
/// different lines give equal specs.
@propertyWrapper
public struct NotCompared<Value: Sendable>: Sendable, Hashable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
