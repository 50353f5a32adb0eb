import Foundation
internal import Yams

/// What the three kinds of configuration file (pipelines, class catalogues, rule sets) share on
/// the way from a path to a checked top-level mapping: reading the text, parsing YAML with
/// positions, `version:` and its upgrades.
enum ConfigFile {
    /// The file's text; `kind` names what was expected in messages (`a pipeline file`).
    static func readText(at path: String, kind: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is a directory, not \(kind)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot be read (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is not UTF-8 text")
        }
        return text
    }

    /// The document's top-level mapping, brought to `history.current` and checked against `keys`.
    /// `emptyMessage` says what an empty file should have held.
    static func root(
        yaml: String, file: String, history: SchemaHistory, keys: [String], emptyMessage: String
    ) throws -> MappingReader {
        let context = ReadContext(file: file)
        guard var root = try YAMLDocument.compose(yaml, file: file) else {
            throw ConfigError(code: .missingKey, file: file, line: 1, column: 1, message: emptyMessage)
        }
        let rootLocation = context.location(of: root.mark, orElse: SourceLocation(file: file, line: 1, column: 1))
        guard case .mapping = root else {
            throw context.error(
                .wrongType, at: rootLocation, path: .root,
                "expected a mapping of settings at the top level, got "
                    + ValueReader(node: root, path: .root, location: rootLocation, context: context).foundDescription)
        }
        try history.upgrade(&root, context: context, rootLocation: rootLocation)
        return try ValueReader(node: root, path: .root, location: rootLocation, context: context).mapping(keys: keys)
    }

    /// The folder relative paths inside the file at `path` resolve against.
    static func baseDirectory(ofFileAt path: String) -> String {
        let absolutePath = PathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        return PathResolution.parentDirectory(of: absolutePath)
    }
}
