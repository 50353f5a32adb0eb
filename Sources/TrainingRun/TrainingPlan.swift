/// How long and how fast to train, and when to stop: the loop's settings, from the training file.
public struct TrainingPlan: Sendable {
    public var classNames: [String]
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var batch: Int
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    /// Stop after this many epochs without a better mean validation Jaccard; nil: never.
    public var patience: Int?
    public var seed: UInt64
    /// Identifies the network; a checkpoint of another one is refused (see `RunState.architecture`).
    public var architecture: String

    public init(classNames: [String], epochs: Int, stepsPerEpoch: Int, batch: Int, learningRate: Double,
                schedule: LearningRateSchedule, patience: Int?, seed: UInt64, architecture: String) {
        self.classNames = classNames
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.batch = batch
        self.learningRate = learningRate
        self.schedule = schedule
        self.patience = patience
        self.seed = seed
        self.architecture = architecture
    }

    public var totalSteps: Int { epochs * stepsPerEpoch }
}

/// Where a run writes: `checkpoints/last.ckpt`, `checkpoints/best.ckpt`, `metrics.csv`,
/// `tensorboard/events.out.tfevents.*` and (written by the caller) `model.onnx`.
public struct RunFolder: Sendable {
    public let path: String
    public init(_ path: String) { self.path = path }
    public var checkpoints: String { path + "/checkpoints" }
    public var lastCheckpoint: String { checkpoints + "/last.ckpt" }
    public var bestCheckpoint: String { checkpoints + "/best.ckpt" }
    public var metrics: String { path + "/metrics.csv" }
    public var tensorboard: String { path + "/tensorboard" }
    public var model: String { path + "/model.onnx" }
}
