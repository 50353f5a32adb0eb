import ArgumentParser
import Foundation
import Inference
import ONNX

/// Options shared by the commands that run a model.
struct EngineOptionGroup: ParsableArguments {
    @Option(help: "Worker threads for the inference kernels.")
    var threads = 1

    @Flag(name: .customLong("no-winograd"), help: "Use im2col + GEMM for 3x3 convolutions instead of Winograd F(4x4,3x3).")
    var noWinograd = false

    func validate() throws {
        try CountOption.check(threads, "--threads", in: 1...CountOption.maxThreads)
    }

    var engineOptions: EngineOptions { EngineOptions(threads: threads, winograd: !noWinograd) }
}

/// Imports an ONNX model, turning importer errors into one readable line and exit code 1.
func loadModel(_ path: String, command: String) throws -> Graph {
    do {
        return try ONNXImporter().importModel(at: URL(fileURLWithPath: path))
    } catch let error as ONNXError {
        Console.error("\(command): \(error)")
        throw ExitCode(1)
    }
}
