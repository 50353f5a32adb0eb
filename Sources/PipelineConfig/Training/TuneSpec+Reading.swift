import Foundation
internal import Yams

extension SchemaHistory {
    /// The search schema (`pipeline tune`). Version 1 is the first.
    static let tune = SchemaHistory(current: 1, upgrades: [])
}

extension TuneSpec {
    public static var currentVersion: Int { SchemaHistory.tune.current }

    static let yamlKeys = ["version", "training", "trials", "algorithm", "tpe", "trial", "space", "rare_classes", "seed", "output"]
    static let spaceKeys = ["depth", "base_filters", "initialization", "learning_rate", "dropout", "batch_norm", "rare_class_weight"]

    /// Reads and validates the search file at `path`; errors name `path` as given.
    public static func load(path: String) throws -> TuneSpec {
        let text = try ConfigFile.readText(at: path, kind: "a search file")
        let absolutePath = PathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        return try parse(yaml: text, file: path, baseDirectory: PathResolution.parentDirectory(of: absolutePath))
    }

    public static func parse(yaml: String, file: String, baseDirectory: String) throws -> TuneSpec {
        let context = ReadContext(file: file)
        guard var root = try YAMLDocument.compose(yaml, file: file) else {
            throw ConfigError(code: .missingKey, file: file, line: 1, column: 1,
                              message: "the file holds no search definition (expected settings such as version, training, trials and space)")
        }
        let rootLocation = context.location(of: root.mark, orElse: SourceLocation(file: file, line: 1, column: 1))
        guard case .mapping = root else {
            throw context.error(.wrongType, at: rootLocation, path: .root, "expected a mapping of settings at the top level, got "
                                + ValueReader(node: root, path: .root, location: rootLocation, context: context).foundDescription)
        }
        try SchemaHistory.tune.upgrade(&root, context: context, rootLocation: rootLocation)
        let reader = try ValueReader(node: root, path: .root, location: rootLocation, context: context).mapping(keys: yamlKeys)
        return try TuneSpec(reading: reader, baseDirectory: baseDirectory)
    }

    init(reading root: MappingReader, baseDirectory: String) throws {
        _ = try root.required("version")
        let training = PathResolution.resolve(try root.required("training").nonEmptyString(), against: baseDirectory)
        let trials = try root.required("trials").integer(in: 1...100_000, what: "trials")

        let name = try root.optional("algorithm")?.oneOf(TuneAlgorithmName.self) ?? .tpe
        var algorithm = TuneAlgorithm.random
        if name == .tpe {
            guard case .tpe(let startup, let gamma, let candidates) = Defaults.algorithm else { preconditionFailure() }
            let section = try root.section("tpe", keys: ["startup_trials", "gamma", "candidates"])
            var g = gamma
            if let field = section.optional("gamma") {
                g = try field.number()
                guard g > 0, g < 1 else { throw field.error(.invalidValue, "gamma \(g) must be between 0 and 1 (exclusive): the fraction of best trials") }
            }
            algorithm = .tpe(startupTrials: try section.optional("startup_trials")?.integer(in: 2...100_000, what: "startup_trials") ?? startup,
                             gamma: g, candidates: try section.optional("candidates")?.integer(in: 1...10_000, what: "candidates") ?? candidates)
        } else {
            try root.reject("tpe", onlyValidFor: "algorithm tpe")
        }

        let trial = try root.section("trial", keys: ["epochs", "steps_per_epoch"])
        let epochs = try trial.optional("epochs")?.integer(in: 1...100_000, what: "epochs")
        let steps = try trial.optional("steps_per_epoch")?.integer(in: 1...10_000_000, what: "steps per epoch")

        let spaceField = try root.required("space")
        let space = try TuneSpace(reading: spaceField.mapping(keys: Self.spaceKeys))
        guard !space.isEmpty else {
            throw spaceField.error(.invalidValue, "the search space is empty: give at least one of \(Self.spaceKeys.joined(separator: ", "))")
        }
        var rareClasses: [String] = []
        if let field = root.optional("rare_classes") {
            rareClasses = try field.classNames()
            guard space.rareClassWeight != nil else { throw field.error(.conflictingKey, "rare_classes is only used with space.rare_class_weight") }
        } else if space.rareClassWeight != nil {
            throw try spaceField.mapping(keys: Self.spaceKeys).required("rare_class_weight")
                .error(.missingKey, "rare_class_weight needs rare_classes: [names] (the classes whose loss weight it multiplies)")
        }

        var seed = Defaults.seed
        if let field = root.optional("seed") {
            let value = try field.integer()
            guard value >= 0 else { throw field.error(.invalidValue, "seed \(value) must not be negative") }
            seed = UInt64(value)
        }
        let output = PathResolution.resolve(try root.required("output").nonEmptyString(), against: baseDirectory)
        self.init(training: training, trials: trials, algorithm: algorithm, epochs: epochs, stepsPerEpoch: steps, space: space,
                  rareClasses: rareClasses, seed: seed, output: output, locations: root.context.locations)
    }
}

extension TuneSpace {
    init(reading section: MappingReader) throws {
        self.init()
        depth = try section.optional("depth").map { try $0.choice { try $0.integer(in: 1...6, what: "depth") } }
        baseFilters = try section.optional("base_filters").map { try $0.choice { try $0.integer(in: 1...512, what: "base filters") } }
        initialization = try section.optional("initialization").map { try $0.choice { try $0.oneOf(WeightInitializationName.self) } }
        batchNorm = try section.optional("batch_norm").map { try $0.choice { try $0.boolean() } }
        rareClassWeight = try section.optional("rare_class_weight").map {
            try $0.choice { element in
                let weight = try element.number()
                guard weight > 0 else { throw element.error(.invalidValue, "class weight \(weight) must be positive") }
                return weight
            }
        }
        learningRate = try section.optional("learning_rate").map { field in
            let range = try field.range(kind: "log_uniform", what: "a learning rate")
            guard range.low > 0, range.high < 1 else {
                throw field.error(.invalidValue, "learning rates must be between 0 and 1 (exclusive), got [\(range.low), \(range.high)]")
            }
            return range
        }
        dropout = try section.optional("dropout").map { field in
            let range = try field.range(kind: "uniform", what: "dropout")
            guard range.low >= 0, range.high < 1 else {
                throw field.error(.invalidValue, "dropout must be at least 0 and below 1, got [\(range.low), \(range.high)]")
            }
            return range
        }
    }
}

extension ValueReader {
    /// `{choice: [a, b, ...]}`: distinct values read by `element`.
    func choice<Value: Hashable>(_ element: (ValueReader) throws -> Value) throws -> [Value] {
        let name = path.description.split(separator: ".").last.map(String.init) ?? "this setting"
        let section = try domainMapping(kind: "choice", example: "\(name): {choice: [a, b]}")
        let field = try section.required("choice")
        let elements = try field.nonEmptyList("choice needs at least one value")
        let values = try elements.map(element)
        try elements.checkNoDuplicates(values) { "value \($0)" }
        return values
    }

    /// `{uniform: [low, high]}` or `{log_uniform: [low, high]}`, low <= high.
    func range(kind: String, what: String) throws -> NumberRange {
        let name = path.description.split(separator: ".").last.map(String.init) ?? "this setting"
        let section = try domainMapping(kind: kind, example: "\(name): {\(kind): [low, high]}")
        let field = try section.required(kind)
        let bounds = try field.list()
        guard bounds.count == 2 else { throw field.error(.invalidValue, "\(kind) needs [low, high], got \(bounds.count) value(s)") }
        let low = try bounds[0].number(), high = try bounds[1].number()
        guard low <= high else { throw field.error(.invalidValue, "low \(low) is above high \(high)") }
        return NumberRange(low: low, high: high)
    }

    /// The one-key mapping naming a domain; another domain gets a message saying which one fits.
    private func domainMapping(kind: String, example: String) throws -> MappingReader {
        let section = try mapping(keys: ["choice", "uniform", "log_uniform"])
        for other in ["choice", "uniform", "log_uniform"] where other != kind {
            if section.keyLocation(other) != nil {
                throw error(.invalidValue, "this setting is searched by \(kind), not \(other) (write \(example))")
            }
        }
        return section
    }
}
