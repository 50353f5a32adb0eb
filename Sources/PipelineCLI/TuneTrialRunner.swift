import Distributed
import Foundation
import PipelineConfig
import TrainingRun

/// How a `pipeline worker` trains a `pipeline tune` trial: the job's trial record names the
/// training file by absolute path (shared storage: the worker reads the training file, the
/// pipeline and the scenes itself; no pixels travel), the trial's values are applied and it trains
/// with the same code as `pipeline train` (`TrainingSetup`, `TrainingSession`) in a scratch folder,
/// starting from the checkpoint the job carries, if any. Each finished epoch's checkpoints and
/// metrics go back in a PROGRESS; the model and metrics in the result. The scratch folder is
/// removed afterwards.
enum TuneTrialRunner {
    /// Seconds between step PROGRESS messages (each extends the lease; epochs are always sent).
    static let stepReportSeconds = 2.0

    static func make(workerName: String, threads: Int, log: @escaping @Sendable (String) -> Void) -> TrialRunner {
        { job, progress in try run(job, workerName: workerName, threads: threads, log: log, progress: progress) }
    }

    static func run(_ job: TrialJob, workerName: String, threads: Int, log: @escaping (String) -> Void,
                    progress: @escaping (TrialProgress) -> Void) throws -> TrialOutcome {
        guard let record = try? JSONDecoder().decode(TrialRecord.self, from: Data(job.spec.utf8)) else {
            throw ValidationFailure(message: "worker \(workerName): the trial's record is unreadable (is this worker's pipeline the coordinator's version?)")
        }
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent("pipeline-trial-\(getpid())-\(job.trial)-\(job.attempt)-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? files.removeItem(atPath: scratch) }
        let resuming = job.files[.lastCheckpoint] != nil
        log("trial \(job.trial) (attempt \(job.attempt)) started in process \(getpid())" + (resuming ? ", from the checkpoint it carries" : "")
            + "; training file \(record.training)")
        do {
            try files.createDirectory(atPath: scratch + "/checkpoints", withIntermediateDirectories: true)
            for (kind, bytes) in job.files.files where kind != .model {
                try Data(bytes).write(to: URL(fileURLWithPath: TuneFolder.path(of: kind, in: scratch)))
            }
        } catch {
            throw ValidationFailure(message: "worker \(workerName): \(scratch): cannot write the trial's scratch folder: \(error.localizedDescription)")
        }
        let setup: TrainingSetup
        do {
            var spec = try TrainingSpec.load(path: record.training, knownClasses: TrainingSetup.catalogue)
            record.apply(to: &spec, folder: scratch)
            setup = try TrainingSetup(spec: spec) { log($0) }
        } catch {
            throw ValidationFailure(message: "worker \(workerName) cannot read the training data: \(error)")
        }
        let run = RunFolder(scratch)
        var lastStepReport = Date.distantPast
        let summary = try TrainingSession.run(setup, folder: run, threads: threads, resume: resuming, events: { event in
            switch event {
            case .resumed(let done, _):
                log("trial \(job.trial): resuming after epoch \(done)")
            case .step(let p):
                guard Date().timeIntervalSince(lastStepReport) >= stepReportSeconds else { return }
                lastStepReport = Date()
                progress(TrialProgress(trial: job.trial, attempt: job.attempt, kind: .step, epoch: p.epoch, epochs: p.epochs, step: p.step,
                                       stepsPerEpoch: p.stepsPerEpoch, loss: p.loss, validationJaccard: p.lastJaccard))
            case .epoch(let e):
                // The loop wrote this epoch's checkpoints and metrics row before reporting it.
                var carried = TrialFiles()
                for kind in [TrialFiles.Kind.lastCheckpoint, .metrics] + (e.isBest ? [.bestCheckpoint] : []) {
                    carried[kind] = files.contents(atPath: TuneFolder.path(of: kind, in: scratch)).map { Array($0) }
                }
                log(String(format: "trial %d: epoch %d/%d done in %.1f s: loss %.4f, mean validation Jaccard %.4f", job.trial, e.epoch,
                           setup.plan.epochs, e.seconds, e.loss, e.jaccard.mean))
                progress(TrialProgress(trial: job.trial, attempt: job.attempt, kind: .epoch, epoch: e.epoch, epochs: setup.plan.epochs,
                                       step: setup.plan.stepsPerEpoch, stepsPerEpoch: setup.plan.stepsPerEpoch, loss: e.loss,
                                       validationJaccard: e.jaccard.mean, seconds: e.seconds, files: carried))
            case .stoppedEarly(let epoch, let best):
                log("trial \(job.trial): stopping early after epoch \(epoch): no better validation Jaccard since epoch \(best)")
            }
        }, log: log)
        var produced = TrialFiles()
        for kind in [TrialFiles.Kind.model, .metrics] {
            guard let data = files.contents(atPath: TuneFolder.path(of: kind, in: scratch)) else {
                throw ValidationFailure(message: "worker \(workerName): \(TuneFolder.path(of: kind, in: scratch)): missing after training")
            }
            produced[kind] = Array(data)
        }
        let metrics = String(decoding: produced[.metrics] ?? [], as: UTF8.self)
        return TrialOutcome(trial: job.trial, attempt: job.attempt, bestJaccard: summary.bestScore, bestEpoch: summary.bestEpoch,
                            epochsDone: summary.epochsDone, trainingSeconds: TrialResult.trainingSeconds(metrics: metrics), files: produced)
    }
}
