extension OutputsSpec {
    static let yamlKeys = ["directory", "formats", "simplify"]

    init(reading section: MappingReader) throws {
        let directory = try section.optional("directory")?.nonEmptyString()
        var formats = PipelineSpec.Defaults.outputFormats
        if let formatsField = section.optional("formats") {
            let elements = try formatsField.nonEmptyList("needs at least one output format")
            formats = try elements.map { try $0.oneOf(OutputFormat.self) }
            try elements.checkNoDuplicates(formats) { "format '\($0.rawValue)'" }
        }
        var simplify = 0.0
        if let field = section.optional("simplify") {
            simplify = try field.number()
            guard simplify >= 0 else { throw field.error(.invalidValue, "must be 0 or more (map units)") }
        }
        self.init(directory: directory, formats: formats, simplify: simplify)
    }
}
