import Foundation
internal import Yams

extension PipelineSpec {
    /// Reads, upgrades and validates the pipeline file at `path`. Errors name `path` as given, so
    /// a relative path keeps messages short (`pipelines/demo.yaml:14:5: …`).
    public static func load(path: String) throws -> PipelineSpec {
        let text = try readText(at: path)
        let absolutePath = PathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        return try parse(yaml: text, file: path, baseDirectory: PathResolution.parentDirectory(of: absolutePath))
    }

    /// Parses, upgrades and validates a pipeline definition.
    /// - Parameters:
    ///   - file: how errors name the definition, and the source of the default `name`.
    ///   - baseDirectory: the folder relative paths in the YAML (the onnx model's) are resolved
    ///     against: the YAML file's folder.
    public static func parse(yaml: String, file: String, baseDirectory: String) throws -> PipelineSpec {
        try parse(yaml: yaml, file: file, baseDirectory: baseDirectory, history: .pipeline)
    }

    static func parse(yaml: String, file: String, baseDirectory: String, history: SchemaHistory) throws -> PipelineSpec {
        let context = ReadContext(file: file)
        guard var root = try YAMLDocument.compose(yaml, file: file) else {
            throw ConfigError(
                code: .missingKey, file: file, line: 1, column: 1,
                message: "the file holds no pipeline (expected settings such as version, scene and model)")
        }
        let rootLocation = context.location(of: root.mark, orElse: SourceLocation(file: file, line: 1, column: 1))
        guard case .mapping = root else {
            throw context.error(
                .wrongType, at: rootLocation, path: .root,
                "expected a mapping of settings at the top level, got "
                    + ValueReader(node: root, path: .root, location: rootLocation, context: context).foundDescription)
        }
        try history.upgrade(&root, context: context, rootLocation: rootLocation)

        let rootReader = try ValueReader(node: root, path: .root, location: rootLocation, context: context)
            .mapping(keys: yamlKeys)
        let spec = try PipelineSpec(reading: rootReader, file: file, baseDirectory: baseDirectory)
        // When every source lists its bands, the stack's size is known now: check what depends on it.
        if let count = spec.declaredStackedBandCount {
            try spec.validateStackedBandCount(count)
        }
        return spec
    }

    static func readText(at path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is a directory, not a pipeline file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot be read (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is not UTF-8 text")
        }
        return text
    }
}
