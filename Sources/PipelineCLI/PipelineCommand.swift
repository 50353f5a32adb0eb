import ArgumentParser
import Foundation
import Scene

/// `pipeline`: turns multi-band satellite scenes into georeferenced class maps with U-Nets.
/// Each subcommand only parses its options and calls the libraries.
@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Distributed U-Net segmentation of large multi-band satellite scenes.",
        subcommands: [RunCommand.self, TrainCommand.self, TuneCommand.self, ExportCommand.self, EvalCommand.self, CoordinatorCommand.self, WorkerCommand.self, SynthCommand.self, InspectCommand.self, BenchCommand.self, InferCommand.self, KeygenCommand.self, SpawnWorkersCommand.self]
    )

    /// Runs the command; every error reaches the user as one line on standard error (the
    /// safety net under the commands' own messages: never a Foundation dump, never a usage block).
    static func main() { run(arguments: nil) }

    /// `main` with `arguments` in place of the command line (a forked worker runs `worker …` so).
    static func run(arguments: [String]?) {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            Console.endStatus()  // an error ends a progress line in place, below it
            // A run stopped by a signal exits as shells expect of one (143 for SIGTERM, 130 for SIGINT).
            let code = ShutdownSignals.received.map { ExitCode(128 + $0) } ?? exitCode(for: error)
            // Help and version requests, and errors a command has already reported.
            if code == .success || error is ExitCode { exit(withError: error) }
            Console.error("Error: \(oneLine(for: error, code: code, arguments: arguments ?? Array(CommandLine.arguments.dropFirst())))")
            exit(withError: ExitCode(code.rawValue))
        }
    }

    private static func oneLine(for error: Error, code: ExitCode, arguments: [String]) -> String {
        let foundation = error as NSError
        var text: String
        if foundation.domain == NSCocoaErrorDomain || foundation.domain == NSPOSIXErrorDomain {
            let path = (foundation.userInfo[NSFilePathErrorKey] as? String) ?? (foundation.userInfo[NSURLErrorKey] as? URL)?.path
            text = (path.map { "\($0): " } ?? "") + FileErrorReason.describe(error)
        } else {
            text = message(for: error)
        }
        text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        if code == .validationFailure {
            let names = configuration.subcommands.map { $0._commandName }
            let subcommand = arguments.first.flatMap { names.contains($0) ? " \($0)" : nil } ?? ""
            text += " (see 'pipeline\(subcommand) --help')"
        }
        return text
    }
}
