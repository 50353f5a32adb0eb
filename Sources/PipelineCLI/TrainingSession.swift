import Foundation
import Training
import TrainingRun

/// One training from a prepared setup to OUT/model.onnx: `pipeline train`, and each trial of
/// `pipeline tune` (which a `pipeline worker` runs with its own reporting).
enum TrainingSession {
    /// Trains into `folder` (resuming from its last checkpoint when `resume`), exports the best
    /// epoch as `folder/model.onnx`, and prints progress.
    static func run(_ setup: TrainingSetup, folder: RunFolder, threads: Int, resume: Bool) throws -> TrainingLoop.Summary {
        let progress = TrainProgress(classNames: setup.spec.classes)
        return try run(setup, folder: folder, threads: threads, resume: resume, events: progress.handle, log: progress.line)
    }

    /// The same, reporting the loop's events to `events` and its other lines to `log`.
    static func run(_ setup: TrainingSetup, folder: RunFolder, threads: Int, resume: Bool,
                    events: @escaping (TrainingLoop.Event) -> Void, log: (String) -> Void) throws -> TrainingLoop.Summary {
        let model = try UNetTrainable(architecture: setup.architecture, classWeights: setup.spec.classWeights?.map { Float($0) },
                                      learningRate: Float(setup.spec.schedule.learningRate), threads: threads, seed: setup.spec.seed)
        log("train: \(setup.architecture), \(model.model.parameterCount) parameters; "
            + "patches \(setup.spec.patches.size) px, batch \(setup.spec.patches.batch), \(threads) thread(s); output \(folder.path)")
        let loop = try TrainingLoop(model: model, sampler: setup.sampler(), validation: setup.validation, plan: setup.plan, folder: folder,
                                    report: events)
        let summary = try loop.run(resume: resume)
        // The loop left the model with the best epoch's weights.
        let onnx = try ModelExport.onnx(model.model, metadata: setup.exportMetadata)
        do { try onnx.write(to: URL(fileURLWithPath: folder.model)) } catch {
            throw ValidationFailure(message: "\(folder.model): cannot write the model: \(error.localizedDescription)")
        }
        log(String(format: "train: %d epochs, best epoch %d with mean validation Jaccard %.4f; model written to %@",
                   summary.epochsDone, summary.bestEpoch ?? 0, summary.bestScore ?? 0, folder.model))
        return summary
    }
}
