/// A validated pipeline definition: which scene files to stack, how to normalize, tile, blend,
/// which model to run and what to write.
///
/// Built by `PipelineSpec.load(path:)` / `parse(yaml:file:baseDirectory:)` from YAML (schema in
/// `pipelines/demo.yaml`), or in code. Everything the YAML alone can tell has been checked; checks
/// that need the scene files (band counts) happen once they are open, through
/// `validateStackedBandCount(_:)`, and can point back at the YAML through `locations`.
///
/// `Codable` so a run report can embed the resolved spec; `locations` is not encoded and not
/// compared. Keys encode in camelCase; `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` gives
/// the YAML spelling.
public struct PipelineSpec: Codable, Equatable, Sendable {
    /// The schema version of this spec: always `PipelineSpec.currentVersion` (older files are
    /// upgraded when loaded).
    public var version: Int
    public var name: String
    public var scene: SceneSpec
    public var normalization: Normalization
    public var tiling: TilingSpec
    public var blending: BlendingSpec
    public var model: ModelSpec
    public var outputs: OutputsSpec
    /// `classes:` — the class catalogue file (absolute, or resolved from the YAML's folder); nil
    /// for a pipeline whose outputs are probabilities only (the identity model's).
    public var classes: String?
    /// `rules:` — the post-processing rule set file, resolved like `classes`; needs `classes`.
    public var rules: String?
    /// Where each setting was written (empty for a spec built in code).
    @NotCompared public var locations: SpecLocations = SpecLocations()

    enum CodingKeys: String, CodingKey {
        case version, name, scene, normalization, tiling, blending, model, outputs, classes, rules
    }

    public init(
        name: String,
        scene: SceneSpec,
        normalization: Normalization = Defaults.normalization,
        tiling: TilingSpec = TilingSpec(),
        blending: BlendingSpec = BlendingSpec(),
        model: ModelSpec,
        outputs: OutputsSpec = OutputsSpec(),
        classes: String? = nil,
        rules: String? = nil,
        locations: SpecLocations = SpecLocations()
    ) {
        self.version = PipelineSpec.currentVersion
        self.name = name
        self.scene = scene
        self.normalization = normalization
        self.tiling = tiling
        self.blending = blending
        self.model = model
        self.outputs = outputs
        self.classes = classes
        self.rules = rules
        self.locations = locations
    }
}
