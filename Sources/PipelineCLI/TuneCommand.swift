import ArgumentParser
import Foundation
import PipelineConfig

/// `pipeline tune TUNE.yaml`: a hyperparameter search (random or TPE) over short trainings of
/// one training file; trials run in parallel as local `pipeline tune-trial` processes, a killed
/// one is run again, and the best trial's model becomes OUT/best-model.onnx.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search training hyperparameters (random or TPE); write results.csv and best-model.onnx.",
        discussion: "The search file's schema: config/training/tune-example.yaml. Outputs go to its `output:` folder."
    )

    @Argument(help: "Search file (YAML, version 1).")
    var config: String

    @Option(help: "Trials trained at once, each in its own process.")
    var workers: Int = 1

    @Flag(help: "Continue the search in the output folder: finished trials are kept, unfinished ones run again.")
    var resume = false

    @Option(help: "Threads per trial (default: the cores shared among the workers).")
    var threads: Int?

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        do {
            let spec = try TuneSpec.load(path: config)
            let base = try TrainingSpec.load(path: spec.training, knownClasses: TrainingSetup.catalogue)
            try Self.check(spec, against: base)
            let perTrial = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
            let search = TuneSearch(spec: spec, base: base, workers: workers, threads: perTrial)
            try search.run(resume: resume)
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("tune: \(error)")
            throw ExitCode(1)
        }
    }

    /// What the search file can only be checked against with the training file open: every depth
    /// must fit the patch size, and the rare classes must be among the trained ones.
    static func check(_ spec: TuneSpec, against base: TrainingSpec) throws {
        let depths = spec.space.depth ?? [base.architecture.depth]
        for depth in depths where !base.patches.size.isMultiple(of: 1 << depth) {
            throw spec.locations.error(.invalidValue, at: FieldPath.root.key("space").key("depth"),
                                       "depth \(depth) needs patches a multiple of \(1 << depth) px; the training file's patches are \(base.patches.size) px")
        }
        for name in spec.rareClasses where !base.classes.contains(name) {
            throw spec.locations.error(.invalidValue, at: FieldPath.root.key("rare_classes"),
                                       "'\(name)' is not among the training file's classes (\(base.classes.joined(separator: ", ")))")
        }
    }
}
