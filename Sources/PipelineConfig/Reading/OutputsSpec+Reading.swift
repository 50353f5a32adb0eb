extension OutputsSpec {
    static let yamlKeys = ["directory", "formats"]

    init(reading section: MappingReader) throws {
        let directory = try section.optional("directory")?.nonEmptyString()
        var formats = PipelineSpec.Defaults.outputFormats
        if let formatsField = section.optional("formats") {
            let elements = try formatsField.nonEmptyList("needs at least one output format")
            formats = try elements.map { try $0.oneOf(OutputFormat.self) }
            try elements.checkNoDuplicates(formats) { "format '\($0.rawValue)'" }
        }
        self.init(directory: directory, formats: formats)
    }
}
