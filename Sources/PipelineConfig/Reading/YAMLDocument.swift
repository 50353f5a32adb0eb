internal import Yams

/// Turns YAML text into a `Yams.Node` tree, whose nodes keep the line and column they were written
/// at (Codable decoding would lose them, and with them every error's position).
enum YAMLDocument {
    /// The document's root node, or nil for a file with no document (empty, or only comments).
    /// YAML errors become `.syntax` errors at the position libyaml reports.
    static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, text: text, file: file)
        }
    }

    private static func syntaxError(_ error: YamlError, text: String, file: String) -> ConfigError {
        func located(line: Int, column: Int, _ problem: String, _ context: YamlError.Context?) -> ConfigError {
            var message = problem
            // libyaml's context says what it was in the middle of, and where that began:
            // "could not find expected ':' (while scanning a simple key at line 3, column 1)".
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ConfigError(code: .syntax, file: file, line: line, column: column, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(line: mark.line, column: mark.column, problem, context)
        case .reader(let problem, let offset, _, _):
            // Reader errors (bad encoding, control characters) come with a character offset.
            if let offset, let position = position(atCharacterOffset: offset, in: text) {
                return located(line: position.line, column: position.column, problem, nil)
            }
            return ConfigError(code: .syntax, file: file, message: problem)
        default:
            return ConfigError(code: .syntax, file: file, message: String(describing: error))
        }
    }

    /// 1-based line and column (in Unicode scalars, as libyaml counts) of a character offset.
    private static func position(atCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int)? {
        guard offset >= 0, offset <= text.count else { return nil }
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
