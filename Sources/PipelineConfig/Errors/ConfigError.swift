/// A problem with a pipeline definition: what is wrong (`code`, `message`), where in the file
/// (`file`, `line`, `column`) and in which setting (`fieldPath`).
///
/// A struct over an open set of codes (like `RasterError`), so later checks (for instance those
/// that need the scene files opened) can add codes without breaking callers that switch on the ones
/// they care about.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The file is not valid YAML; the position is the one the YAML parser reports.
        public static let syntax = Code(name: "syntax")
        /// The file could not be read at all (missing, unreadable, not UTF-8).
        public static let unreadableFile = Code(name: "unreadableFile")
        /// A key the schema does not know at that place (the message suggests a close one).
        public static let unknownKey = Code(name: "unknownKey")
        /// The same key twice in one mapping: YAML parsers disagree on which wins, so we refuse.
        public static let duplicateKey = Code(name: "duplicateKey")
        /// A key the schema knows, but not together with the chosen kind or mode
        /// (`bands` with model kind `onnx`, `scale` with normalization mode `none`).
        public static let conflictingKey = Code(name: "conflictingKey")
        /// A required key is absent (or present without a value).
        public static let missingKey = Code(name: "missingKey")
        /// A value of the wrong shape: a string where an integer belongs, a scalar where a list does.
        public static let wrongType = Code(name: "wrongType")
        /// A value of the right type that is not allowed: out of range, not one of an enum's values,
        /// a duplicate in a list, an inconsistency between two settings.
        public static let invalidValue = Code(name: "invalidValue")
        /// The `version:` is one this build cannot read or upgrade.
        public static let unsupportedVersion = Code(name: "unsupportedVersion")
        /// A source path contains `{id}` but neither the pipeline (`scene.id`) nor the caller gave one.
        public static let missingSceneID = Code(name: "missingSceneID")
    }

    public var code: Code
    /// The pipeline file as the user named it (e.g. `pipelines/demo.yaml`).
    public var file: String
    /// 1-based line of the offending key or value; nil when the problem has no place in the file
    /// (an unreadable file, a spec built in code).
    public var line: Int?
    /// 1-based column (in Unicode scalars, as libyaml counts); nil exactly when `line` is.
    public var column: Int?
    /// The setting concerned; `FieldPath.root` for problems with the document as a whole.
    public var fieldPath: FieldPath
    public var message: String

    public init(
        code: Code, file: String, line: Int? = nil, column: Int? = nil, fieldPath: FieldPath = .root,
        message: String
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.fieldPath = fieldPath
        self.message = message
    }

    public init(code: Code, at location: SourceLocation?, file: String, fieldPath: FieldPath, message: String) {
        self.init(
            code: code, file: location?.file ?? file, line: location?.line, column: location?.column,
            fieldPath: fieldPath, message: message)
    }

    /// One line, compiler style, so editors and terminals can jump to it:
    /// `pipelines/demo.yaml:14:5: scene.sources[2].resampling: unknown resampling 'bicubic' (expected one of …)`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !fieldPath.isRoot { text += "\(fieldPath): " }
        // A YAML problem text can span lines; the promise is one line.
        text += message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return text
    }
}
