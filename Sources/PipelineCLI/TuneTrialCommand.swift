import ArgumentParser
import Foundation
import PipelineConfig
import TrainingRun

/// `pipeline tune-trial OUT/trials/NNN`: trains one trial of a search, started by `pipeline tune`
/// (hidden from help: users run `pipeline tune`). Reads the folder's trial.json, trains with
/// the same code as `pipeline train`, and writes result.json last, so a process killed before
/// the end leaves the trial unfinished and `pipeline tune` runs it again.
struct TuneTrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune-trial", abstract: "Train one trial of a `pipeline tune` search (started by pipeline tune).", shouldDisplay: false)

    @Argument(help: "The trial's folder (holding trial.json).")
    var folder: String

    @Option(help: "Threads for training and validation.")
    var threads: Int = 1

    @Flag(help: "Continue from the trial's last checkpoint (a re-run after a killed attempt).")
    var resume = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        // The process id first, so the log says which process trained (and who to signal).
        Console.line("tune-trial: process \(getpid()), trial folder \(folder)" + (resume ? ", resuming" : ""))
        Self.stopWithParent()
        do {
            guard let record = TuneFolder.read(TrialRecord.self, from: TuneFolder.record(in: folder)) else {
                throw ValidationFailure(message: "\(TuneFolder.record(in: folder)): missing or unreadable trial record")
            }
            var spec = try TrainingSpec.load(path: record.training, knownClasses: TrainingSetup.catalogue)
            record.apply(to: &spec, folder: folder)
            let setup = try TrainingSetup(spec: spec) { Console.line($0) }
            let run = RunFolder(folder)
            let summary = try TrainingSession.run(setup, folder: run, threads: threads,
                                                  resume: resume && FileManager.default.fileExists(atPath: run.lastCheckpoint))
            try TuneFolder.write(TrialResult(bestJaccard: summary.bestScore, bestEpoch: summary.bestEpoch, epochs: summary.epochsDone,
                                             seconds: Self.trainingSeconds(metrics: run.metrics), error: nil),
                                 to: TuneFolder.result(in: folder))
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("tune-trial: \(error)")
            throw ExitCode(1)
        }
    }

    /// Ends this process when `pipeline tune` ends (killed or interrupted), so no orphan trial
    /// keeps training and writing into a search that `--resume` will run again.
    static func stopWithParent() {
        let parent = getppid()
        Thread.detachNewThread {
            while true {
                sleep(1)
                if getppid() != parent { Foundation.exit(2) }
            }
        }
    }

    /// The last column of metrics.csv (each epoch's seconds), summed.
    static func trainingSeconds(metrics: String) -> Double {
        guard let text = try? String(contentsOfFile: metrics, encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }.reduce(0, +)
    }
}
