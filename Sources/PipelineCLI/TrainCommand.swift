import ArgumentParser
import Foundation
import Training
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
            let folder = RunFolder(setup.spec.output)
            let model = try UNetTrainable(architecture: setup.architecture, classWeights: setup.spec.classWeights?.map { Float($0) },
                                          learningRate: Float(setup.spec.schedule.learningRate), threads: threads, seed: setup.spec.seed)
            Console.line("train: \(setup.architecture), \(model.model.parameterCount) parameters; "
                         + "patches \(setup.spec.patches.size) px, batch \(setup.spec.patches.batch), \(threads) thread(s); output \(folder.path)")
            let progress = TrainProgress(classNames: setup.spec.classes)
            let loop = try TrainingLoop(model: model, sampler: setup.sampler(), validation: setup.validation, plan: setup.plan, folder: folder,
                                        report: progress.handle)
            let summary = try loop.run(resume: resume)
            // The loop left the model with the best epoch's weights.
            let onnx = try ModelExport.onnx(model.model, metadata: setup.exportMetadata)
            do { try onnx.write(to: URL(fileURLWithPath: folder.model)) } catch {
                throw ValidationFailure(message: "\(folder.model): cannot write the model: \(error.localizedDescription)")
            }
            progress.line(String(format: "train: %d epochs, best epoch %d with mean validation Jaccard %.4f; model written to %@",
                                 summary.epochsDone, summary.bestEpoch ?? 0, summary.bestScore ?? 0, folder.model))
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("train: \(error)")
            throw ExitCode(1)
        }
    }
}
