import Foundation
import Inference
import Kernels
import ONNX
import Testing
@testable import Training

/// A trained model exported to ONNX gives the same outputs as `UNetModel.predict` in this
/// project's engine and in onnxruntime, and carries its metadata.
@Suite struct ExportTests {
    static func trainedModel(batchNorm: Bool) throws -> UNetModel {
        let architecture = UNetArchitecture(inputBands: 3, classes: 2, depth: 2, baseFilters: 4, batchNorm: batchNorm, dropout: 0.2)
        let trainer = Trainer(model: try UNetModel(architecture: architecture, seed: 2), loss: JaccardBCELoss(),
                              optimizer: Adam(learningRate: 1e-2), threads: 1, seed: 3)
        try TrainerTests.run(trainer, steps: 0..<4)  // moves weights and running statistics off their start
        return trainer.model
    }

    static let metadata = ONNXModelMetadata(classNames: ["buildings", "trees, shrubs"], inputBands: ["red", "green", "blue"],
                                            normalizationMean: [0.1, 0.2, 0.3], normalizationStd: [1, 2, 0.5], tileSize: 32)

    @Test(arguments: [true, false])
    func engineAndOnnxRuntimeMatchPredict(batchNorm: Bool) throws {
        let model = try Self.trainedModel(batchNorm: batchNorm)
        let data = try ModelExport.onnx(model, metadata: Self.metadata)
        var random = TestRandom(9)
        let (n, size) = (2, 16)
        let input = random.floats(n * 3 * size * size)
        let expected = try model.predict(input, batch: n, size: size)

        let graph = try ONNXImporter().importModel(data: data, directory: nil)
        #expect(graph.metadata.classNames == ["buildings", "trees, shrubs"])
        #expect(graph.metadata.inputBands == ["red", "green", "blue"])
        #expect(graph.metadata.recommendedTileSize == 32)
        #expect(graph.metadata.normalization == ModelMetadata.Normalization(mean: [0.1, 0.2, 0.3], std: [1, 2, 0.5]))
        let output = try Engine(graph: graph).run(Tensor(shape: TensorShape(n: n, c: 3, h: size, w: size), storage: input))[0]
        #expect(output.shape == TensorShape(n: n, c: 2, h: size, w: size))
        #expect(maxAbsDifference(output.storage, expected) <= 1e-4)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelURL = folder.appendingPathComponent("model.onnx"), inputURL = folder.appendingPathComponent("input.bin")
        let outputURL = folder.appendingPathComponent("output.bin")
        try data.write(to: modelURL)
        try input.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: inputURL)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/run_onnxruntime.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, modelURL.path, inputURL.path, "\(n)", "3", "\(size)", "\(size)", outputURL.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "onnxruntime failed: \(message)")
        let ort = try Data(contentsOf: outputURL).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(ort.count == expected.count)
        #expect(maxAbsDifference(ort, expected) <= 1e-4)
    }

    @Test func badMetadataIsOneLine() throws {
        let model = try UNetModel(architecture: UNetArchitecture(inputBands: 3, classes: 2, depth: 2, baseFilters: 4), seed: 1)
        var wrong = [Self.metadata, Self.metadata, Self.metadata, Self.metadata]
        wrong[0].classNames = ["one"]
        wrong[1].inputBands = ["a", "b"]
        wrong[2].normalizationStd = nil
        wrong[3].tileSize = 30
        for metadata in wrong {
            let error = try #require(throws: TrainingError.self) { try ModelExport.onnx(model, metadata: metadata) }
            #expect(error.code == .invalidMetadata && !error.message.contains("\n"))
        }
    }
}
