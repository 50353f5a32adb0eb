extension PipelineSpec {
    /// The top-level keys of schema version 1.
    static let yamlKeys = ["version", "name", "scene", "normalization", "tiling", "blending", "model", "outputs", "classes", "rules"]

    /// Reads a document already brought to the current version (`SchemaHistory.upgrade`), section
    /// by section in schema order, so the first error reported is the first one a reader of the
    /// file meets.
    init(reading root: MappingReader, file: String, baseDirectory: String) throws {
        // `version` was read and acted on before upgrading; it only has to be there.
        _ = try root.required("version")
        let name = try root.optional("name")?.nonEmptyString() ?? Defaults.name(forFile: file)
        let scene = try SceneSpec(reading: root.requiredSection("scene", keys: SceneSpec.yamlKeys))
        let normalization = try Normalization(
            reading: root.section("normalization", keys: Normalization.yamlKeys))
        let tiling = try TilingSpec(reading: root.section("tiling", keys: TilingSpec.yamlKeys))
        let blending = try BlendingSpec(reading: root.section("blending", keys: BlendingSpec.yamlKeys))
        let model = try ModelSpec(
            reading: root.requiredSection("model", keys: ModelSpec.yamlKeys), baseDirectory: baseDirectory)
        let outputs = try OutputsSpec(reading: root.section("outputs", keys: OutputsSpec.yamlKeys))
        // Catalogue and rule set: paths relative to this file's folder, like the model's.
        let classes = try root.optional("classes")?.nonEmptyString()
        let rulesField = root.optional("rules")
        let rules = try rulesField?.nonEmptyString()
        if let rulesField, classes == nil {
            throw rulesField.error(.invalidValue, "a rule set needs a class catalogue: add 'classes: path/to/catalogue.yaml'")
        }
        self.init(
            name: name, scene: scene, normalization: normalization, tiling: tiling, blending: blending,
            model: model, outputs: outputs,
            classes: classes.map { PathResolution.resolve($0, against: baseDirectory) },
            rules: rules.map { PathResolution.resolve($0, against: baseDirectory) },
            locations: root.context.locations)
    }
}
