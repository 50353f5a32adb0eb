import ArgumentParser
import Foundation
import TrainingRun

/// `pipeline train TRAIN.yaml`: trains a U-Net on labelled scenes, read through a pipeline's
/// sources and normalization, and exports the best epoch as OUT/model.onnx.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a U-Net on labelled scenes; write checkpoints, metrics.csv, TensorBoard events and model.onnx.",
        discussion: "The training file's schema: config/training/default-model.yaml. Outputs go to its `output:` folder."
    )

    @Argument(help: "Training file (YAML, version 1).")
    var config: String

    @Flag(help: "Continue the run in the output folder from its last checkpoint (exactly, with one thread).")
    var resume = false

    @Option(help: "Threads for training and validation (default: all cores). One thread is bit-for-bit repeatable.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        do {
            let setup = try TrainingSetup(file: config) { Console.line($0) }
            _ = try TrainingSession.run(setup, folder: RunFolder(setup.spec.output), threads: threads, resume: resume)
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("train: \(error)")
            throw ExitCode(1)
        }
    }
}
