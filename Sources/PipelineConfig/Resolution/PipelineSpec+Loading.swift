
extension PipelineSpec {
    /// Reads, upgrades and validates the pipeline file at `path`. Errors name `path` as given, so
    /// a relative path keeps messages short (`pipelines/demo.yaml:14:5: …`).
    public static func load(path: String) throws -> PipelineSpec {
        let text = try ConfigFile.readText(at: path, kind: "a pipeline file")
        return try parse(yaml: text, file: path, baseDirectory: ConfigFile.baseDirectory(ofFileAt: path))
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
        let rootReader = try ConfigFile.root(
            yaml: yaml, file: file, history: history, keys: yamlKeys,
            emptyMessage: "the file holds no pipeline (expected settings such as version, scene and model)")
        let spec = try PipelineSpec(reading: rootReader, file: file, baseDirectory: baseDirectory)
        // When every source lists its bands, the stack's size is known now: check what depends on it.
        if let count = spec.declaredStackedBandCount {
            try spec.validateStackedBandCount(count)
        }
        return spec
    }
}
