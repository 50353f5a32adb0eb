/// A validated training definition (`pipeline train TRAIN.yaml`): which pipeline reads the bands,
/// which labelled scenes to learn from and validate on, and how to sample, train and stop.
///
/// Built by `TrainingSpec.load(path:knownClasses:)` from YAML (schema in
/// `config/training/default-model.yaml`). Relative paths in the file are resolved against the
/// file's folder, so a training file works from any working directory.
public struct TrainingSpec: Equatable, Sendable {
    public var version: Int
    /// The pipeline YAML whose scene sources, band order and normalization training reuses, so
    /// training and inference read bands identically. Resolved path.
    public var pipeline: String
    /// DSTL class names, in model output order.
    public var classes: [String]
    public var training: [LabelledSceneSpec]
    public var validation: [LabelledSceneSpec]
    public var patches: PatchSpec
    public var schedule: ScheduleSpec
    public var earlyStopping: EarlyStoppingSpec?
    public var architecture: ArchitectureSpec
    /// One weight per class for the loss, or nil for equal weights.
    public var classWeights: [Double]?
    public var seed: UInt64
    /// Output folder (checkpoints, metrics.csv, TensorBoard events, model.onnx). Resolved path.
    public var output: String
    /// Where each setting was written, for errors found once files are open.
    @NotCompared public var locations: SpecLocations = SpecLocations()

    public init(
        pipeline: String, classes: [String], training: [LabelledSceneSpec], validation: [LabelledSceneSpec],
        patches: PatchSpec, schedule: ScheduleSpec, earlyStopping: EarlyStoppingSpec?, architecture: ArchitectureSpec,
        classWeights: [Double]?, seed: UInt64, output: String, locations: SpecLocations = SpecLocations()
    ) {
        self.version = TrainingSpec.currentVersion
        self.pipeline = pipeline
        self.classes = classes
        self.training = training
        self.validation = validation
        self.patches = patches
        self.schedule = schedule
        self.earlyStopping = earlyStopping
        self.architecture = architecture
        self.classWeights = classWeights
        self.seed = seed
        self.output = output
        self.locations = locations
    }
}

/// One scene folder with its ground truth (`scenes.training[i]`, `scenes.validation[i]`).
public struct LabelledSceneSpec: Equatable, Sendable {
    /// The scene folder (resolved); the pipeline's source paths are relative to it.
    public var folder: String
    /// Substituted for `{id}` in the pipeline's source paths and in the truth path.
    public var id: String?
    public var truth: TruthSpec

    public init(folder: String, id: String?, truth: TruthSpec) {
        self.folder = folder
        self.id = id
        self.truth = truth
    }
}

/// Where a scene's ground truth is: a mask raster, or polygons rasterized on the scene's grid.
public enum TruthSpec: Equatable, Sendable {
    /// One band per class, 0/1. Bands named after classes are matched by name; unnamed bands must
    /// be one per class in `classes` order. Path relative to the scene folder, `{id}` substituted.
    case mask(path: String)
    /// A vector layer whose `classColumn` holds class names; `layer` nil takes the only layer.
    case polygons(path: String, layer: String?, classColumn: String)

    public var path: String {
        switch self {
        case .mask(let path), .polygons(let path, _, _): path
        }
    }
}

/// `patches:` — what one training example is.
public struct PatchSpec: Equatable, Sendable {
    /// Side of a square patch, in pixels of the reference grid.
    public var size: Int
    public var batch: Int
    public var sampling: PatchSampling
    public var augmentation: PatchAugmentation

    public init(size: Int, batch: Int, sampling: PatchSampling, augmentation: PatchAugmentation) {
        self.size = size
        self.batch = batch
        self.sampling = sampling
        self.augmentation = augmentation
    }
}

/// `patches.sampling`.
public enum PatchSampling: String, SchemaEnum {
    /// Pick a class uniformly among those present, then a pixel of it as the patch centre, so
    /// rare classes (vehicles, water) are seen as often as common ones.
    case classBalanced = "class_balanced"
    /// Patch corners uniform over the scenes (in proportion to their area).
    case uniform

    public static let settingName = "sampling"
}

/// `patches.augmentation`.
public enum PatchAugmentation: String, SchemaEnum {
    /// One of the 8 dihedral transforms (rotations by 90° and flips), drawn per patch.
    case d4
    case none

    public static let settingName = "augmentation"
}

/// `schedule:` — how long and how fast.
public struct ScheduleSpec: Equatable, Sendable {
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var learningRate: Double
    public var decay: LearningRateDecay

    public init(epochs: Int, stepsPerEpoch: Int, learningRate: Double, decay: LearningRateDecay) {
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.learningRate = learningRate
        self.decay = decay
    }
}

/// `schedule.decay`: the learning rate as training goes on.
public enum LearningRateDecay: Equatable, Sendable {
    case constant
    /// Multiplied by `factor` every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Double)
    /// Half a cosine from the initial rate down to 0 over all steps of all epochs.
    case cosine
}

/// The spelling of `schedule.decay`.
public enum LearningRateDecayName: String, SchemaEnum {
    case constant, step, cosine
    public static let settingName = "decay"
}

/// `early_stopping:` — stop when the mean validation Jaccard has not improved for `patience` epochs.
public struct EarlyStoppingSpec: Equatable, Sendable {
    public var patience: Int
    public init(patience: Int) { self.patience = patience }
}

/// `architecture:` — the U-Net.
public struct ArchitectureSpec: Equatable, Sendable {
    /// Number of down-sampling levels; the patch size must be divisible by 2^depth.
    public var depth: Int
    public var baseFilters: Int
    public var dropout: Double
    public var batchNorm: Bool
    public var initialization: WeightInitializationName

    public init(depth: Int, baseFilters: Int, dropout: Double, batchNorm: Bool, initialization: WeightInitializationName) {
        self.depth = depth
        self.baseFilters = baseFilters
        self.dropout = dropout
        self.batchNorm = batchNorm
        self.initialization = initialization
    }
}

/// `architecture.initialization`.
public enum WeightInitializationName: String, SchemaEnum {
    case heUniform = "he_uniform"
    case glorotUniform = "glorot_uniform"
    public static let settingName = "initialization"
}

extension TrainingSpec {
    /// The value of every optional setting the YAML leaves out.
    public enum Defaults {
        public static let patchSize = 128
        public static let batch = 8
        public static let sampling = PatchSampling.classBalanced
        public static let augmentation = PatchAugmentation.d4
        public static let epochs = 20
        public static let stepsPerEpoch = 100
        public static let learningRate = 1e-3
        public static let decay = LearningRateDecay.constant
        /// `schedule.step_every` and `step_factor` for decay `step`.
        public static let stepEvery = 10
        public static let stepFactor = 0.5
        public static let depth = 4
        public static let baseFilters = 16
        public static let dropout = 0.0
        public static let batchNorm = true
        public static let initialization = WeightInitializationName.heUniform
        public static let seed: UInt64 = 0
        /// `truth.class_column` of polygons.
        public static let classColumn = "class_name"
    }
}
