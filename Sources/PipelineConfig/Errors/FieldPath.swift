/// Where a value sits inside a pipeline definition, as the user would write it:
/// `scene.sources[2].resampling`.
///
/// Keys are the YAML (snake_case) names, indices are 0-based like the list positions a user counts
/// in `reference:`. Typed components rather than a string so that readers can extend a path without
/// parsing it, and so that it can key the table of source locations (`SpecLocations`).
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The document itself (the top-level mapping); prints as an empty string.
    public static let root = FieldPath()

    public func key(_ name: String) -> FieldPath {
        FieldPath(components + [.key(name)])
    }

    public func index(_ position: Int) -> FieldPath {
        FieldPath(components + [.index(position)])
    }

    public var isRoot: Bool { components.isEmpty }

    /// The last key of the path (`resampling` for `scene.sources[2].resampling`), if it ends in a key.
    public var lastKey: String? {
        if case .key(let name) = components.last { return name }
        return nil
    }

    /// Dotted keys with bracketed indices: `scene.sources[2].resampling`.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let name):
                if !text.isEmpty { text += "." }
                text += name
            case .index(let position):
                text += "[\(position)]"
            }
        }
        return text
    }
}

extension FieldPath {
    /// `scene.sources[index]`: how errors about a scene file (opened later, by another module) name it.
    public static func source(_ index: Int) -> FieldPath {
        FieldPath.root.key("scene").key("sources").index(index)
    }
}
