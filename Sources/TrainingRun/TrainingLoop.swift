import Foundation

/// Runs epochs of random batches, validates after each, logs scalars, checkpoints, stops early,
/// and leaves the model holding the best epoch's weights.
public final class TrainingLoop {
    /// What the loop reports as it goes.
    public enum Event {
        case resumed(epochsDone: Int, bestScore: Double?)
        case step(Progress)
        case epoch(EpochResult)
        case stoppedEarly(epoch: Int, bestEpoch: Int)
    }

    public struct Progress: Sendable {
        public var epoch: Int
        public var epochs: Int
        public var step: Int
        public var stepsPerEpoch: Int
        public var loss: Double
        public var lastJaccard: Double?
        public var secondsLeft: Double?
    }

    public struct EpochResult: Sendable {
        public var epoch: Int
        public var globalStep: Int
        public var learningRate: Double
        public var loss: Double
        public var jaccard: PooledJaccard
        public var isBest: Bool
        /// The whole epoch, and the validation pass within it.
        public var seconds: Double
        public var validationSeconds: Double
    }

    public struct Summary: Sendable {
        public var epochsDone: Int
        public var bestEpoch: Int?
        public var bestScore: Double?
        public var stoppedEarly: Bool
    }

    let model: TrainableModel
    let sampler: PatchSampler
    let validation: [LabelledScene]
    let plan: TrainingPlan
    let folder: RunFolder
    let report: (Event) -> Void

    public init(model: TrainableModel, sampler: PatchSampler, validation: [LabelledScene], plan: TrainingPlan, folder: RunFolder,
                report: @escaping (Event) -> Void) throws {
        for scene in validation where scene.width < sampler.size || scene.height < sampler.size {
            throw TrainingRunError(
                code: .sceneTooSmall,
                message: "the scene is \(scene.width) x \(scene.height) px, smaller than the \(sampler.size)-px patches (patches.size)",
                location: scene.name)
        }
        self.model = model
        self.sampler = sampler
        self.validation = validation
        self.plan = plan
        self.folder = folder
        self.report = report
    }

    /// A fresh run refuses a folder that already holds one (nothing done is overwritten);
    /// `resume` continues from `checkpoints/last.ckpt`.
    /// `sessionEpochs`: stop after this many epochs of this session (tests use it to interrupt a
    /// run exactly where a killed process would have left its last checkpoint).
    public func run(resume: Bool, sessionEpochs: Int? = nil) throws -> Summary {
        var state: RunState
        if resume {
            guard FileManager.default.fileExists(atPath: folder.lastCheckpoint) else {
                throw TrainingRunError(code: .badCheckpoint, message: "nothing to resume: no checkpoints/last.ckpt (start without --resume)",
                                       location: folder.path)
            }
            let (saved, bytes) = try RunCheckpoint.read(from: folder.lastCheckpoint)
            guard saved.architecture == plan.architecture else {
                throw TrainingRunError(
                    code: .badCheckpoint,
                    message: "the checkpoint is of another architecture (\(saved.architecture)) than the training file's (\(plan.architecture))",
                    location: folder.lastCheckpoint)
            }
            do { try model.restore(from: bytes) } catch {
                throw TrainingRunError(code: .badCheckpoint, message: "\(error)", location: folder.lastCheckpoint)
            }
            state = saved
            report(.resumed(epochsDone: state.epochsDone, bestScore: state.bestScore))
        } else {
            if FileManager.default.fileExists(atPath: folder.lastCheckpoint) {
                throw TrainingRunError(
                    code: .output,
                    message: "already holds a training run (checkpoints/last.ckpt): pass --resume to continue it, or choose another output folder",
                    location: folder.path)
            }
            state = RunState(architecture: plan.architecture, epochsDone: 0, globalStep: 0, random: TrainingRandom(seed: plan.seed),
                             bestScore: nil, bestEpoch: nil, epochsWithoutImprovement: 0, stoppedEarly: false)
        }
        do {
            try FileManager.default.createDirectory(atPath: folder.checkpoints, withIntermediateDirectories: true)
        } catch {
            throw TrainingRunError(code: .output, message: "cannot create the output folder: \(error.localizedDescription)", location: folder.path)
        }
        let metrics = try MetricsLog(path: folder.metrics, classNames: plan.classNames, keepingEpochsThrough: resume ? state.epochsDone : nil)
        let events = try EventFileWriter(directory: folder.tensorboard)

        let started = Date()
        let stepsAtStart = state.globalStep
        var lastJaccard: Double?
        var sessionEpochsDone = 0
        while state.epochsDone < plan.epochs && !state.stoppedEarly && sessionEpochsDone != sessionEpochs {
            sessionEpochsDone += 1
            let epoch = state.epochsDone
            let epochStart = Date()
            var lossSum = 0.0
            var rate = plan.learningRate
            for step in 0..<plan.stepsPerEpoch {
                rate = plan.schedule.rate(initial: plan.learningRate, step: state.globalStep, epoch: epoch, totalSteps: plan.totalSteps)
                let batch = sampler.batch(plan.batch, random: &state.random)
                let loss = try model.step(inputs: batch.inputs, targets: batch.targets, batch: plan.batch, size: sampler.size,
                                          learningRate: Float(rate))
                lossSum += Double(loss)
                state.globalStep += 1
                let done = state.globalStep - stepsAtStart
                let perStep = Date().timeIntervalSince(started) / Double(done)
                report(.step(Progress(epoch: epoch + 1, epochs: plan.epochs, step: step + 1, stepsPerEpoch: plan.stepsPerEpoch,
                                      loss: Double(loss), lastJaccard: lastJaccard,
                                      secondsLeft: perStep * Double(plan.totalSteps - state.globalStep))))
            }
            let validationStart = Date()
            let jaccard = try validate()
            let validationSeconds = Date().timeIntervalSince(validationStart)
            lastJaccard = jaccard.mean
            state.epochsDone = epoch + 1
            let isBest = state.bestScore.map { jaccard.mean > $0 } ?? true
            let bytes = try model.checkpoint()
            if isBest {
                state.bestScore = jaccard.mean
                state.bestEpoch = epoch + 1
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
            }
            if let patience = plan.patience, state.epochsWithoutImprovement >= patience { state.stoppedEarly = true }
            let loss = lossSum / Double(plan.stepsPerEpoch)
            let seconds = Date().timeIntervalSince(epochStart)
            try metrics.append(epoch: epoch + 1, step: state.globalStep, learningRate: rate, loss: loss, meanJaccard: jaccard.mean,
                               jaccard: jaccard.perClass, seconds: seconds)
            var scalars: [(tag: String, value: Double)] = [("train/loss", loss), ("train/learning_rate", rate), ("val/mean_jaccard", jaccard.mean)]
            for (name, value) in zip(plan.classNames, jaccard.perClass) {
                if let value { scalars.append(("val/jaccard/\(name)", value)) }
            }
            try events.scalars(scalars, step: state.globalStep)
            if isBest { try RunCheckpoint.write(state, model: bytes, to: folder.bestCheckpoint) }
            // Last, so a run killed before this line redoes the whole epoch on resume.
            try RunCheckpoint.write(state, model: bytes, to: folder.lastCheckpoint)
            report(.epoch(EpochResult(epoch: epoch + 1, globalStep: state.globalStep, learningRate: rate, loss: loss, jaccard: jaccard,
                                      isBest: isBest, seconds: seconds, validationSeconds: validationSeconds)))
            if state.stoppedEarly { report(.stoppedEarly(epoch: epoch + 1, bestEpoch: state.bestEpoch ?? epoch + 1)) }
        }
        if FileManager.default.fileExists(atPath: folder.bestCheckpoint) {
            try model.restore(from: RunCheckpoint.read(from: folder.bestCheckpoint).model)
        }
        return Summary(epochsDone: state.epochsDone, bestEpoch: state.bestEpoch, bestScore: state.bestScore, stoppedEarly: state.stoppedEarly)
    }

    /// Pooled per-class Jaccard of the model on every validation scene, predicted patch by patch.
    public func validate() throws -> PooledJaccard {
        var score = PooledJaccard(classCount: sampler.classCount)
        for scene in validation {
            let probabilities = try SceneValidation.predict(scene, size: sampler.size, batch: plan.batch, model: model)
            let plane = scene.width * scene.height
            probabilities.withUnsafeBufferPointer { p in
                scene.truth.withUnsafeBufferPointer { t in
                    for c in 0..<scene.classCount {
                        score.add(classIndex: c, probabilities: UnsafeBufferPointer(rebasing: p[c * plane..<(c + 1) * plane]),
                                  truth: UnsafeBufferPointer(rebasing: t[c * plane..<(c + 1) * plane]))
                    }
                }
            }
        }
        return score
    }
}
