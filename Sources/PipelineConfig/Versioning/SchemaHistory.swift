internal import Yams

/// One step of the schema's history: rewrites a document of version `from` into one of version
/// `from + 1` (renaming keys, moving settings, filling in what the new version requires), on the
/// node tree, before any value is read, so every later error still points at the user's lines.
struct SchemaUpgrade: Sendable {
    let from: Int
    /// Throws a `ConfigError` when the old document cannot be expressed in the new version.
    let upgrade: @Sendable (inout Node) throws -> Void
}

/// The versions a build can read: the current one, and every older one that a contiguous chain of
/// upgrades leads from.
struct SchemaHistory: Sendable {
    let current: Int
    /// Oldest first, one per version step, the last from `current - 1`.
    let upgrades: [SchemaUpgrade]
    /// A shipped file of the current version that errors point users to.
    var example = "pipelines/demo.yaml"

    /// The pipeline schema. Version 1 is the first published one, so there is nothing to upgrade
    /// yet. When version 2 changes the schema, bump `current` and append
    /// `SchemaUpgrade(from: 1) { root in ... }` that rewrites a version-1 tree into version 2.
    static let pipeline = SchemaHistory(current: 1, upgrades: [])
    /// Class catalogues (`config/classes/*.yaml`), versioned on their own.
    static let classCatalogue = SchemaHistory(current: 1, upgrades: [], example: "config/classes/dstl.yaml")
    /// Post-processing rule sets (`config/postprocess/*.yaml`), versioned on their own.
    static let ruleSet = SchemaHistory(current: 1, upgrades: [], example: "config/postprocess/dstl-3rd.yaml")

    /// Every readable version, oldest first.
    var supportedVersions: [Int] {
        Array((upgrades.first?.from ?? current)...current)
    }

    /// Each step starts where the previous one ended, and the last ends at `current`.
    var isContiguous: Bool {
        upgrades.enumerated().allSatisfy { $0.element.from == (upgrades.first?.from ?? current) + $0.offset }
            && (upgrades.last.map { $0.from + 1 == current } ?? true)
    }

    /// Reads `version:` from the document and runs the upgrades that bring it to `current`.
    /// `root` must be a mapping.
    func upgrade(_ root: inout Node, context: ReadContext, rootLocation: SourceLocation) throws {
        let versionField = try versionField(of: root, context: context, rootLocation: rootLocation)
        let version = try versionField.integer()
        if version == current { return }

        let supported =
            (supportedVersions.count == 1 ? "version " : "versions ")
            + supportedVersions.map(String.init).joined(separator: ", ")
        guard version <= current else {
            throw versionField.error(
                .unsupportedVersion,
                "unsupported version \(version) (this build reads \(supported)); "
                    + "the file needs a newer release of the pipeline tool")
        }
        guard let first = upgrades.firstIndex(where: { $0.from == version }) else {
            throw versionField.error(
                .unsupportedVersion,
                "unsupported version \(version) (this build reads \(supported)); versions before "
                    + "\(supportedVersions[0]) cannot be upgraded automatically: rewrite the file for version "
                    + "\(current), as in \(example)")
        }
        for step in upgrades[first...] {
            do {
                try step.upgrade(&root)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw versionField.error(
                    .unsupportedVersion,
                    "cannot upgrade from version \(step.from) to \(step.from + 1): \(error)")
            }
        }
    }

    private func versionField(
        of root: Node, context: ReadContext, rootLocation: SourceLocation
    ) throws -> ValueReader {
        // Read before the full key check: an upgrade may rename keys that the current schema
        // would reject as unknown.
        guard case .mapping(let mapping) = root,
            let (key, value) = mapping.first(where: { $0.key.string == "version" })
        else {
            throw context.error(
                .missingKey, at: rootLocation, path: FieldPath.root.key("version"),
                "missing required key 'version' (the current version is \(current))")
        }
        let field = ValueReader(
            node: value, path: FieldPath.root.key("version"),
            location: context.location(of: key.mark, orElse: rootLocation), context: context)
        guard !field.isNull else {
            throw field.error(.missingKey, "'version' needs a value")
        }
        return field
    }
}

extension PipelineSpec {
    /// The schema version this build writes and reads natively.
    public static var currentVersion: Int { SchemaHistory.pipeline.current }
    /// Every `version:` this build accepts (older ones are upgraded on load), oldest first.
    public static var supportedVersions: [Int] { SchemaHistory.pipeline.supportedVersions }
}
