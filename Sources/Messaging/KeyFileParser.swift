/// Parses the key file format (see `CurveKeyPair+Files.swift`): `name=value` lines, blank lines
/// and `#` comments ignored, whitespace around names and values trimmed.
///
/// Every problem is one `.invalidKeyFile` error whose subject is `path:line`, so the message
/// points at the line to fix.
struct KeyFileParser {
    struct Field {
        let value: String
        let line: Int
    }

    let path: String

    /// The fields of `text`, by name; names outside `allowed` and repeated names are errors.
    func fields(of text: String, allowed: [String]) throws -> [String: Field] {
        var fields: [String: Field] = [:]
        // isNewline, not "\n": Swift reads "\r\n" as one Character, so files with Windows line
        // endings would otherwise be a single line.
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            let content = rawLine.trimmingWhitespace
            if content.isEmpty || content.hasPrefix("#") { continue }
            // Split at the first '=' ('=' is also a Z85 character, so it may occur in the value);
            // a name of letters only also catches a missing '=' before a key that contains one.
            guard let equals = content.firstIndex(of: "="),
                case let name = String(content[..<equals].trimmingWhitespace),
                !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isLetter })
            else {
                throw error(line, "expected 'name=value', e.g. '\(allowed[0])=<40 Z85 characters>'")
            }
            let value = String(content[content.index(after: equals)...].trimmingWhitespace)
            guard allowed.contains(name) else {
                throw error(line, "unknown field '\(name)' (expected \(allowed.joined(separator: " or ")))")
            }
            if let first = fields[name] {
                throw error(line, "duplicate field '\(name)' (first on line \(first.line))")
            }
            if let problem = Z85Key.problem(with: value) {
                throw error(line, "\(name) key: \(problem)")
            }
            fields[name] = Field(value: value, line: line)
        }
        return fields
    }

    /// The field `name`, or an error saying the file lacks it.
    func require(_ name: String, in fields: [String: Field]) throws -> Field {
        guard let field = fields[name] else {
            throw MessagingError(code: .invalidKeyFile, subject: path, message: "no '\(name)=' line")
        }
        return field
    }

    func error(_ line: Int, _ message: String) -> MessagingError {
        MessagingError(code: .invalidKeyFile, subject: "\(path):\(line)", message: message)
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns (files edited on Windows).
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
