internal import Yams

/// A YAML mapping checked against the keys the schema allows at its place: every key is a plain
/// name, appears once, and is known (an unknown one gets a "did you mean" suggestion). Values are
/// then looked up by key as `ValueReader`s carrying the extended field path.
struct MappingReader {
    let path: FieldPath
    /// Where the mapping's own key (or list item) is: missing keys are reported here.
    let location: SourceLocation
    let context: ReadContext
    private let entries: [String: (keyLocation: SourceLocation, value: Node)]

    private init(
        path: FieldPath, location: SourceLocation, context: ReadContext,
        entries: [String: (keyLocation: SourceLocation, value: Node)]
    ) {
        self.path = path
        self.location = location
        self.context = context
        self.entries = entries
    }

    init(
        _ mapping: Node.Mapping, path: FieldPath, location: SourceLocation, allowedKeys: [String],
        keyNoun: String = "key", context: ReadContext
    ) throws {
        var entries: [String: (keyLocation: SourceLocation, value: Node)] = [:]
        for (keyNode, value) in mapping {
            let keyLocation = context.location(of: keyNode.mark, orElse: location)
            guard case .scalar(let keyScalar) = keyNode else {
                throw context.error(.wrongType, at: keyLocation, path: path, "expected a key name, got a list or mapping as key")
            }
            let key = keyScalar.string
            if let earlier = entries[key] {
                throw context.error(
                    .duplicateKey, at: keyLocation, path: path.key(key),
                    "duplicate key '\(key)' (first given at line \(earlier.keyLocation.line))")
            }
            guard allowedKeys.contains(key) else {
                throw context.error(
                    .unknownKey, at: keyLocation, path: path.key(key),
                    KeySuggestion.unknownKeyMessage(key, allowed: allowedKeys, noun: keyNoun))
            }
            entries[key] = (keyLocation, value)
        }
        self.init(path: path, location: location, context: context, entries: entries)
    }

    /// An empty section standing in for an absent one, so section readers need no optional paths:
    /// every lookup gives nil and defaults apply.
    static func absent(path: FieldPath, location: SourceLocation, context: ReadContext) -> MappingReader {
        MappingReader(path: path, location: location, context: context, entries: [:])
    }

    /// The keys present, in the order they are written.
    var presentKeys: [String] {
        entries.sorted { ($0.value.keyLocation.line, $0.value.keyLocation.column) < ($1.value.keyLocation.line, $1.value.keyLocation.column) }
            .map(\.key)
    }

    /// Where the key is written, if it is, even without a value.
    func keyLocation(_ key: String) -> SourceLocation? {
        entries[key]?.keyLocation
    }

    /// The key's value, or nil when the key is absent or has no value (`key:`, `key: ~`).
    func optional(_ key: String) -> ValueReader? {
        guard let entry = entries[key] else { return nil }
        let reader = ValueReader(node: entry.value, path: path.key(key), location: entry.keyLocation, context: context)
        return reader.isNull ? nil : reader
    }

    func required(_ key: String) throws -> ValueReader {
        if let value = optional(key) { return value }
        if let keyLocation = entries[key]?.keyLocation {
            throw context.error(.missingKey, at: keyLocation, path: path.key(key), "'\(key)' needs a value")
        }
        throw context.error(.missingKey, at: location, path: path.key(key), "missing required key '\(key)'")
    }

    /// A nested section (`tiling:`), checked against its own keys; an absent or empty one reads as
    /// all defaults.
    func section(_ key: String, keys: [String]) throws -> MappingReader {
        guard let value = optional(key) else {
            return .absent(path: path.key(key), location: keyLocation(key) ?? location, context: context)
        }
        return try value.mapping(keys: keys)
    }

    func requiredSection(_ key: String, keys: [String]) throws -> MappingReader {
        try required(key).mapping(keys: keys)
    }

    /// Rejects `key` when present: it belongs to another kind or mode (`'bands' is only valid for
    /// model kind identity`).
    func reject(_ key: String, onlyValidFor owner: String) throws {
        guard let keyLocation = keyLocation(key) else { return }
        throw context.error(.conflictingKey, at: keyLocation, path: path.key(key), "'\(key)' is only valid for \(owner)")
    }
}
