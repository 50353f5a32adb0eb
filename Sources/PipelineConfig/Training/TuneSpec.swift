/// A validated hyperparameter search (`pipeline tune TUNE.yaml`): the training file every trial
/// starts from, the space to search, how to search it, and how long each trial trains.
///
/// Built by `TuneSpec.load(path:)` from YAML (schema in `config/training/tune-example.yaml`).
/// Relative paths are resolved against the file's folder.
public struct TuneSpec: Equatable, Sendable {
    public var version: Int
    /// The `pipeline train` file whose pipeline, classes, scenes, patches and defaults every trial
    /// reuses. Resolved path.
    public var training: String
    public var trials: Int
    public var algorithm: TuneAlgorithm
    /// Per-trial `schedule.epochs` and `schedule.steps_per_epoch`; nil keeps the training file's.
    public var epochs: Int?
    public var stepsPerEpoch: Int?
    public var space: TuneSpace
    /// The classes `rare_class_weight` multiplies the loss weight of (others keep theirs).
    public var rareClasses: [String]
    public var seed: UInt64
    /// Output folder: trials/NNN/, results.csv, best-model.onnx. Resolved path.
    public var output: String
    @NotCompared public var locations: SpecLocations = SpecLocations()

    public init(training: String, trials: Int, algorithm: TuneAlgorithm, epochs: Int?, stepsPerEpoch: Int?, space: TuneSpace,
                rareClasses: [String], seed: UInt64, output: String, locations: SpecLocations = SpecLocations()) {
        self.version = TuneSpec.currentVersion
        self.training = training
        self.trials = trials
        self.algorithm = algorithm
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.space = space
        self.rareClasses = rareClasses
        self.seed = seed
        self.output = output
        self.locations = locations
    }
}

/// `algorithm:` and its `tpe:` settings.
public enum TuneAlgorithm: Equatable, Sendable {
    /// Every trial drawn uniformly from the space.
    case random
    /// hyperopt's Tree-structured Parzen Estimator: `startupTrials` random trials, then candidates
    /// drawn from the density of the best `gamma` fraction and ranked by l(x)/g(x).
    case tpe(startupTrials: Int, gamma: Double, candidates: Int)
}

/// The spelling of `algorithm`.
public enum TuneAlgorithmName: String, SchemaEnum {
    case random, tpe
    public static let settingName = "algorithm"
}

/// `space:` — the settings a search varies; nil: the training file's value in every trial.
public struct TuneSpace: Equatable, Sendable {
    /// `choice` lists.
    public var depth: [Int]?
    public var baseFilters: [Int]?
    public var initialization: [WeightInitializationName]?
    public var batchNorm: [Bool]?
    /// Multiplies the loss weight of `rare_classes` (choice).
    public var rareClassWeight: [Double]?
    /// `log_uniform: [low, high]`.
    public var learningRate: NumberRange?
    /// `uniform: [low, high]`.
    public var dropout: NumberRange?

    public init(depth: [Int]? = nil, baseFilters: [Int]? = nil, initialization: [WeightInitializationName]? = nil, batchNorm: [Bool]? = nil,
                rareClassWeight: [Double]? = nil, learningRate: NumberRange? = nil, dropout: NumberRange? = nil) {
        self.depth = depth
        self.baseFilters = baseFilters
        self.initialization = initialization
        self.batchNorm = batchNorm
        self.rareClassWeight = rareClassWeight
        self.learningRate = learningRate
        self.dropout = dropout
    }

    public var isEmpty: Bool { self == TuneSpace() }
}

/// A closed range of numbers, `[low, high]` in YAML.
public struct NumberRange: Equatable, Sendable {
    public var low: Double
    public var high: Double
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

extension TuneSpec {
    public enum Defaults {
        public static let algorithm = TuneAlgorithm.tpe(startupTrials: 5, gamma: 0.25, candidates: 24)
        public static let seed: UInt64 = 0
    }
}
