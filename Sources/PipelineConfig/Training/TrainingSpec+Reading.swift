extension TrainingSpec {
    /// The top-level keys of training schema version 1.
    static let yamlKeys = [
        "version", "pipeline", "classes", "scenes", "patches", "schedule", "early_stopping", "architecture", "loss", "seed",
        "output",
    ]

    /// Reads a document already at the current version, in schema order. `knownClasses`: the
    /// catalogue class names are checked against (nil: any name).
    init(reading root: MappingReader, baseDirectory: String, knownClasses: [String]?) throws {
        _ = try root.required("version")
        let pipeline = PathResolution.resolve(try root.required("pipeline").nonEmptyString(), against: baseDirectory)
        let classes = try Self.readClasses(root.required("classes"), knownClasses: knownClasses)

        let scenes = try root.requiredSection("scenes", keys: ["training", "validation"])
        let training = try Self.readScenes(scenes.required("training"), baseDirectory: baseDirectory)
        let validation = try Self.readScenes(scenes.required("validation"), baseDirectory: baseDirectory)

        let patches = try PatchSpec(reading: root.section("patches", keys: PatchSpec.yamlKeys))
        let schedule = try ScheduleSpec(reading: root.section("schedule", keys: ScheduleSpec.yamlKeys))
        var earlyStopping: EarlyStoppingSpec?
        if root.optional("early_stopping") != nil {
            let section = try root.section("early_stopping", keys: ["patience"])
            let field = try section.required("patience")
            let patience = try field.integer()
            guard patience >= 1 else { throw field.error(.invalidValue, "patience \(patience) must be at least 1 epoch") }
            earlyStopping = EarlyStoppingSpec(patience: patience)
        }
        let architecture = try ArchitectureSpec(reading: root.section("architecture", keys: ArchitectureSpec.yamlKeys))
        let factor = 1 << architecture.depth
        if !patches.size.isMultiple(of: factor) {
            let place = try root.section("patches", keys: PatchSpec.yamlKeys).optional("size")
                ?? root.section("architecture", keys: ArchitectureSpec.yamlKeys).required("depth")
            throw place.error(
                .invalidValue,
                "patch size \(patches.size) must be a multiple of 2^depth = \(factor) (depth \(architecture.depth) halves it \(architecture.depth) times)")
        }

        var classWeights: [Double]?
        if let field = try root.section("loss", keys: ["class_weights"]).optional("class_weights") {
            let elements = try field.nonEmptyList("needs one weight per class")
            let weights = try elements.map { element in
                let weight = try element.number()
                guard weight > 0 else { throw element.error(.invalidValue, "class weight \(weight) must be positive") }
                return weight
            }
            guard weights.count == classes.count else {
                throw field.error(.invalidValue, "\(weights.count) class weights for \(classes.count) classes (give one per class)")
            }
            classWeights = weights
        }

        var seed = Defaults.seed
        if let field = root.optional("seed") {
            let value = try field.integer()
            guard value >= 0 else { throw field.error(.invalidValue, "seed \(value) must not be negative") }
            seed = UInt64(value)
        }
        let output = PathResolution.resolve(try root.required("output").nonEmptyString(), against: baseDirectory)
        self.init(
            pipeline: pipeline, classes: classes, training: training, validation: validation, patches: patches,
            schedule: schedule, earlyStopping: earlyStopping, architecture: architecture, classWeights: classWeights,
            seed: seed, output: output, locations: root.context.locations)
    }

    private static func readClasses(_ field: ValueReader, knownClasses: [String]?) throws -> [String] {
        let names = try field.classNames()
        guard let knownClasses else { return names }
        for (element, name) in zip(try field.list(), names) where !knownClasses.contains(name) {
            let hint = KeySuggestion.closest(to: name, among: knownClasses).map { " (did you mean '\($0)'?)" }
                ?? " (expected one of \(knownClasses.joined(separator: ", ")))"
            throw element.error(.invalidValue, "unknown class '\(name)'\(hint)")
        }
        return names
    }

    private static func readScenes(_ field: ValueReader, baseDirectory: String) throws -> [LabelledSceneSpec] {
        try field.nonEmptyList("needs at least one scene folder").map { item in
            let scene = try item.mapping(keys: ["folder", "id", "truth"])
            let folder = PathResolution.resolve(try scene.required("folder").nonEmptyString(), against: baseDirectory)
            let id = try scene.optional("id")?.nonEmptyString()
            guard let truthField = scene.optional("truth") else {
                throw item.error(
                    .missingKey, "scene '\(folder)' has no truth: give truth.mask (a 0/1 raster, one band per class) or truth.polygons (a GeoPackage)")
            }
            return LabelledSceneSpec(folder: folder, id: id, truth: try TruthSpec(reading: truthField))
        }
    }
}

extension TruthSpec {
    init(reading field: ValueReader) throws {
        let section = try field.mapping(keys: ["mask", "polygons", "layer", "class_column"])
        switch (section.optional("mask"), section.optional("polygons")) {
        case (let mask?, nil):
            try section.reject("layer", onlyValidFor: "polygons")
            try section.reject("class_column", onlyValidFor: "polygons")
            self = .mask(path: try mask.nonEmptyString())
        case (nil, let polygons?):
            self = .polygons(
                path: try polygons.nonEmptyString(), layer: try section.optional("layer")?.nonEmptyString(),
                classColumn: try section.optional("class_column")?.nonEmptyString() ?? TrainingSpec.Defaults.classColumn)
        case (_?, _?):
            throw field.error(.conflictingKey, "give either truth.mask or truth.polygons, not both")
        case (nil, nil):
            throw field.error(.missingKey, "truth needs 'mask' (a 0/1 raster, one band per class) or 'polygons' (a GeoPackage)")
        }
    }
}

extension PatchSpec {
    static let yamlKeys = ["size", "batch", "sampling", "augmentation"]

    init(reading section: MappingReader) throws {
        let size = try section.optional("size")?.integer(in: 16...4096, what: "patch size") ?? TrainingSpec.Defaults.patchSize
        let batch = try section.optional("batch")?.integer(in: 1...1024, what: "batch") ?? TrainingSpec.Defaults.batch
        self.init(
            size: size, batch: batch,
            sampling: try section.optional("sampling")?.oneOf(PatchSampling.self) ?? TrainingSpec.Defaults.sampling,
            augmentation: try section.optional("augmentation")?.oneOf(PatchAugmentation.self) ?? TrainingSpec.Defaults.augmentation)
    }
}

extension ScheduleSpec {
    static let yamlKeys = ["epochs", "steps_per_epoch", "learning_rate", "decay", "step_every", "step_factor"]

    init(reading section: MappingReader) throws {
        let epochs = try section.optional("epochs")?.integer(in: 1...100_000, what: "epochs") ?? TrainingSpec.Defaults.epochs
        let steps = try section.optional("steps_per_epoch")?.integer(in: 1...10_000_000, what: "steps per epoch")
            ?? TrainingSpec.Defaults.stepsPerEpoch
        var learningRate = TrainingSpec.Defaults.learningRate
        if let field = section.optional("learning_rate") {
            learningRate = try field.number()
            guard learningRate > 0, learningRate < 1 else {
                throw field.error(.invalidValue, "learning rate \(learningRate) must be between 0 and 1 (exclusive)")
            }
        }
        let name = try section.optional("decay")?.oneOf(LearningRateDecayName.self) ?? .constant
        let decay: LearningRateDecay
        switch name {
        case .step:
            let every = try section.optional("step_every")?.integer(in: 1...100_000, what: "step_every")
                ?? TrainingSpec.Defaults.stepEvery
            var factor = TrainingSpec.Defaults.stepFactor
            if let field = section.optional("step_factor") {
                factor = try field.number()
                guard factor > 0, factor < 1 else {
                    throw field.error(.invalidValue, "step factor \(factor) must be between 0 and 1 (exclusive)")
                }
            }
            decay = .step(everyEpochs: every, factor: factor)
        case .constant, .cosine:
            try section.reject("step_every", onlyValidFor: "decay step")
            try section.reject("step_factor", onlyValidFor: "decay step")
            decay = name == .constant ? .constant : .cosine
        }
        self.init(epochs: epochs, stepsPerEpoch: steps, learningRate: learningRate, decay: decay)
    }
}

extension ArchitectureSpec {
    static let yamlKeys = ["depth", "base_filters", "dropout", "batch_norm", "initialization"]

    init(reading section: MappingReader) throws {
        let depth = try section.optional("depth")?.integer(in: 1...6, what: "depth") ?? TrainingSpec.Defaults.depth
        let filters = try section.optional("base_filters")?.integer(in: 1...512, what: "base filters")
            ?? TrainingSpec.Defaults.baseFilters
        var dropout = TrainingSpec.Defaults.dropout
        if let field = section.optional("dropout") {
            dropout = try field.number()
            guard dropout >= 0, dropout < 1 else {
                throw field.error(.invalidValue, "dropout \(dropout) must be at least 0 and below 1")
            }
        }
        self.init(
            depth: depth, baseFilters: filters, dropout: dropout,
            batchNorm: try section.optional("batch_norm")?.boolean() ?? TrainingSpec.Defaults.batchNorm,
            initialization: try section.optional("initialization")?.oneOf(WeightInitializationName.self)
                ?? TrainingSpec.Defaults.initialization)
    }
}

extension ValueReader {
    /// `true` or `false` (YAML 1.1's yes/no/on/off are refused: they surprise more than they help).
    func boolean() throws -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw error(.wrongType, "expected true or false, got \(foundDescription)")
    }

    /// An integer within `range`, with a message naming `what`.
    func integer(in range: ClosedRange<Int>, what: String) throws -> Int {
        let value = try integer()
        guard range.contains(value) else {
            throw error(.invalidValue, "\(what) \(value) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
        return value
    }
}
