internal import Yams
import Foundation

/// One value of the YAML tree with the field path that leads to it. Its typed accessors either
/// return a Swift value or throw a `ConfigError` naming the path and the value's position.
///
/// A value read through a mapping key is located at the key (where an editor should jump, and the
/// line a block list or section starts on); a list element at the element. Creating one records
/// its location in the context, so every setting read can be pointed at later.
struct ValueReader {
    let node: Node
    let path: FieldPath
    let location: SourceLocation
    let context: ReadContext

    init(node: Node, path: FieldPath, location: SourceLocation, context: ReadContext) {
        self.node = node
        self.path = path
        self.location = location
        self.context = context
        context.record(path, at: location)
    }

    func error(_ code: ConfigError.Code, _ message: String) -> ConfigError {
        context.error(code, at: location, path: path, message)
    }

    /// `~`, `null`, or nothing after the colon: treated as if the key were absent.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A plain (unquoted) scalar's text; quoted scalars are strings, never numbers.
    private var plainScalar: String? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return nil }
        return scalar.string
    }

    /// How a message names what was found instead: `'abc'`, `the quoted string "256"`, `a list`.
    var foundDescription: String {
        switch node {
        case .scalar(let scalar):
            if isNull { return "nothing" }
            if let plain = plainScalar { return "'\(plain)'" }
            return "the quoted string \"\(scalar.string)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    func integer() throws -> Int {
        // Plain decimal only: YAML 1.1's octal, hex, sexagesimal and `1_000` forms surprise more
        // than they help in a config file.
        guard let text = plainScalar, let value = Int(text) else {
            throw error(.wrongType, "expected an integer, got \(foundDescription)")
        }
        return value
    }

    /// A finite number; integers are numbers too.
    func number() throws -> Double {
        guard let text = plainScalar else {
            throw error(.wrongType, "expected a number, got \(foundDescription)")
        }
        let yamlNonFinite: Set<String> = [".inf", "+.inf", "-.inf", ".Inf", "+.Inf", "-.Inf", ".INF", ".nan", ".NaN", ".NAN"]
        guard let value = Double(text) else {
            if yamlNonFinite.contains(text) {
                throw error(.invalidValue, "expected a finite number, got '\(text)'")
            }
            throw error(.wrongType, "expected a number, got \(foundDescription)")
        }
        // NaN and infinity cannot go into JSON run reports and compare unequal to themselves.
        guard value.isFinite else {
            throw error(.invalidValue, "expected a finite number, got '\(text)'")
        }
        return value
    }

    /// Any scalar's text, quoted or not (`id: 6120_2_2` stays the string it looks like).
    func string() throws -> String {
        guard case .scalar(let scalar) = node, !isNull else {
            throw error(.wrongType, "expected a string, got \(foundDescription)")
        }
        return scalar.string
    }

    /// `true` or `false` (YAML 1.2 core schema spellings).
    func bool() throws -> Bool {
        switch plainScalar {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error(.wrongType, "expected true or false, got \(foundDescription)")
        }
    }

    func nonEmptyString() throws -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(.invalidValue, "must not be empty")
        }
        return text
    }

    /// One of the enum's YAML spellings, exactly (case matters, as everywhere in YAML).
    func oneOf<Value: SchemaEnum>(_ type: Value.Type) throws -> Value {
        guard case .scalar = node, !isNull else {
            throw error(.wrongType, "expected one of \(Value.allowedValuesList), got \(foundDescription)")
        }
        let text = try string()
        guard let value = Value(rawValue: text) else {
            throw error(.invalidValue, "unknown \(Value.settingName) '\(text)' (expected one of \(Value.allowedValuesList))")
        }
        return value
    }

    /// The elements of a list, each with its indexed path (`bands[2]`) and own position.
    func list() throws -> [ValueReader] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType, "expected a list, got \(foundDescription)")
        }
        return sequence.enumerated().map { index, element in
            ValueReader(
                node: element, path: path.index(index),
                location: context.location(of: element.mark, orElse: location), context: context)
        }
    }

    func nonEmptyList(_ emptyMessage: String) throws -> [ValueReader] {
        let elements = try list()
        guard !elements.isEmpty else { throw error(.invalidValue, emptyMessage) }
        return elements
    }

    /// A mapping whose keys must all be among `keys` (checked here, before any value is read).
    /// `keyNoun` names what keys stand for in messages when they are names (`unknown class 'x'`).
    func mapping(keys: [String], keyNoun: String = "key") throws -> MappingReader {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "expected a mapping, got \(foundDescription)")
        }
        return try MappingReader(mapping, path: path, location: location, allowedKeys: keys, keyNoun: keyNoun, context: context)
    }
}

extension Array where Element == ValueReader {
    /// Rejects a value given twice (band indices, class names, formats), pointing at the repeat.
    func checkNoDuplicates<Value: Hashable>(_ values: [Value], describe: (Value) -> String) throws {
        var firstIndex: [Value: Int] = [:]
        for (index, value) in values.enumerated() {
            if let first = firstIndex[value] {
                throw self[index].error(
                    .invalidValue, "duplicate \(describe(value)) (already at \(self[first].path.lastIndexDescription))")
            }
            firstIndex[value] = index
        }
    }
}

extension FieldPath {
    /// `[2]` for `model.bands[2]`: how a duplicate's message names the earlier entry.
    fileprivate var lastIndexDescription: String {
        if case .index(let position) = components.last { return "[\(position)]" }
        return description
    }
}
