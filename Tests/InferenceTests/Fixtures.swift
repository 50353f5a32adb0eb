import Foundation
import Kernels
import Testing

/// The ONNX models and onnxruntime outputs made by Fixtures/make_fixtures.py, generated once
/// per test run into a temporary folder (python3 with numpy, onnx and onnxruntime needed; see
/// ops/install-deps.sh --test).
struct Fixture: Sendable, CustomTestStringConvertible {
    let name: String
    let model: URL
    let input: Tensor
    let expected: Tensor
    var testDescription: String { name }
}

enum Fixtures {
    struct Entry: Decodable {
        let name: String
        let model: String
        let input_shape: [Int]
        let output_shape: [Int]
        let input: String?
        let output: String?
    }

    static let directory: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inference-fixtures-\(UUID().uuidString)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/make_fixtures.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { fatalError("cannot run python3 \(script.path): \(error)") }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "make_fixtures.py failed: \(message)")
        return folder
    }()

    static let all: [Fixture] = {
        let manifest = try! JSONDecoder().decode([Entry].self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        return manifest.map { entry in
            Fixture(name: entry.name, model: directory.appendingPathComponent(entry.model),
                    input: readTensor(entry.input ?? entry.name + ".input.bin", shape: entry.input_shape),
                    expected: readTensor(entry.output ?? entry.name + ".output.bin", shape: entry.output_shape))
        }
    }()

    static func named(_ name: String) -> Fixture { all.first { $0.name == name }! }

    static func readTensor(_ file: String, shape d: [Int]) -> Tensor {
        let data = try! Data(contentsOf: directory.appendingPathComponent(file))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return Tensor(shape: TensorShape(n: d[0], c: d[1], h: d[2], w: d[3]), storage: values)
    }
}

func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
