extension SceneSpec {
    static let yamlKeys = ["id", "sources", "reference"]
    static let sourceYAMLKeys = ["path", "asset", "bands", "resampling", "nodata", "band_names"]

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
                nodata: source.nodata, bandNames: source.bandNames, asset: source.asset)
        }
        try Self.checkBandNamesUnique(items: items, written: written)
        self.init(id: id, sources: sources, reference: reference)
    }
}

extension SceneSpec {
    /// A band name names one stacked band: the same name in two sources is an error at the second.
    fileprivate static func checkBandNamesUnique(items: [ValueReader], written: [WrittenSource]) throws {
        var seen: [String: Int] = [:]
        for (index, source) in written.enumerated() {
            for name in source.bandNames ?? [] {
                if let first = seen[name], first != index {
                    throw items[index].error(
                        .invalidValue, "band name '\(name)' is already used by scene.sources[\(first)]")
                }
                seen[name] = index
            }
        }
    }
}

/// A source as written, before defaults that depend on the rest of the scene are applied.
private struct WrittenSource {
    var path = ""
    var asset: String?
    var bands: [Int]?
    var resampling: Resampling?
    var nodata: Double?
    var bandNames: [String]?

    init(reading item: ValueReader) throws {
        let source = try item.mapping(keys: SceneSpec.sourceYAMLKeys)
        // A file (`path:`) or a STAC item's asset (`asset:`), exactly one of them.
        if let assetField = source.optional("asset") {
            if let pathField = source.optional("path") {
                throw pathField.error(.conflictingKey, "give 'path' (a file) or 'asset' (a STAC asset key), not both")
            }
            asset = try assetField.nonEmptyString()
        } else {
            let pathField: ValueReader
            do { pathField = try source.required("path") } catch var error as ConfigError where source.keyLocation("path") == nil {
                error.message += " (a file), or 'asset' (a STAC asset key)"
                throw error
            }
            path = try pathField.nonEmptyString()
            try Self.checkPlaceholders(in: path, field: pathField)
        }
        bands = try source.optional("bands")?.bandIndices()
        resampling = try source.optional("resampling")?.oneOf(Resampling.self)
        nodata = try source.optional("nodata")?.number()
        if let namesField = source.optional("band_names") {
            let names = try namesField.bandNames()
            if let bands, bands.count != names.count {
                throw namesField.error(
                    .invalidValue, "\(names.count) band names for \(bands.count) bands (one name per entry of 'bands')")
            }
            bandNames = names
        }
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
