extension SceneSpec {
    static let yamlKeys = ["id", "sources", "reference"]
    static let sourceYAMLKeys = ["path", "bands", "resampling", "nodata"]

    init(reading section: MappingReader) throws {
        let id = try section.optional("id")?.nonEmptyString()
        let items = try section.required("sources").nonEmptyList("needs at least one source file")
        let written = try items.map(WrittenSource.init(reading:))

        var reference = PipelineSpec.Defaults.reference
        if let field = section.optional("reference") {
            reference = try field.integer()
            guard written.indices.contains(reference) else {
                let count = written.count
                throw field.error(
                    .invalidValue,
                    "reference \(reference) is out of range: scene.sources has \(count) "
                        + (count == 1 ? "entry, index 0" : "entries, indexed 0 to \(count - 1)"))
            }
        }

        // Resampling defaults depend on which source is the reference, known only now.
        let sources = written.enumerated().map { index, source in
            SourceSpec(
                path: source.path, bands: source.bands,
                resampling: source.resampling
                    ?? (index == reference
                        ? PipelineSpec.Defaults.referenceResampling : PipelineSpec.Defaults.resampling),
                nodata: source.nodata)
        }
        self.init(id: id, sources: sources, reference: reference)
    }
}

/// A source as written, before defaults that depend on the rest of the scene are applied.
private struct WrittenSource {
    var path: String
    var bands: [Int]?
    var resampling: Resampling?
    var nodata: Double?

    init(reading item: ValueReader) throws {
        let source = try item.mapping(keys: SceneSpec.sourceYAMLKeys)
        let pathField = try source.required("path")
        path = try pathField.nonEmptyString()
        try Self.checkPlaceholders(in: path, field: pathField)
        bands = try source.optional("bands")?.bandIndices()
        resampling = try source.optional("resampling")?.oneOf(Resampling.self)
        nodata = try source.optional("nodata")?.number()
    }

    /// Only `{id}` is substituted; any other `{word}` is most likely a typo (`{ID}`, `{scene}`)
    /// that would otherwise surface much later as a missing file.
    private static func checkPlaceholders(in path: String, field: ValueReader) throws {
        var rest = path[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return }
            let name = rest[rest.index(after: open)..<close]
            if name != PipelineSpec.sceneIDPlaceholderName {
                throw field.error(
                    .invalidValue, "unknown placeholder '{\(name)}' in path (only {id} is substituted)")
            }
            rest = rest[rest.index(after: close)...]
        }
    }
}
