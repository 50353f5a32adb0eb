import ArgumentParser

/// `pipeline`: turns multi-band satellite scenes into georeferenced class maps with U-Nets.
/// Each subcommand only parses its options and calls the libraries.
@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Distributed U-Net segmentation of large multi-band satellite scenes.",
        subcommands: [RunCommand.self, TrainCommand.self, CoordinatorCommand.self, WorkerCommand.self, SynthCommand.self, InspectCommand.self, BenchCommand.self, InferCommand.self, KeygenCommand.self]
    )
}
