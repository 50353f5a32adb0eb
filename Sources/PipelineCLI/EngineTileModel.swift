import Distributed
import Foundation
import Inference
import Kernels
import ONNX
import Scene

/// An ONNX model run by the inference engine, as a `TileModel` for the pipeline: one normalized
/// tile in, per-class probabilities out, with D4 test-time augmentation when asked. The model must
/// end in its probabilities (e.g. a sigmoid head), as U-Nets exported for segmentation do.
final class EngineTileModel: TileModel {
    let classNames: [String]
    let inputBandCount: Int?
    private let engine: Engine
    private let augmentation: TestTimeAugmentation

    /// Options that travel with the model to workers (JSON in the package).
    struct Settings: Codable {
        var tta: Bool
        var merge: String
    }

    init(graph: Graph, classNames: [String], settings: Settings, threads: Int) throws {
        self.classNames = classNames
        inputBandCount = graph.expectedBandCount
        engine = Engine(graph: graph, options: EngineOptions(threads: max(1, threads)))
        augmentation = TestTimeAugmentation(merge: TestTimeAugmentation.Merge(rawValue: settings.merge) ?? .mean, enabled: settings.tta)
    }

    func predict(_ input: TileInput) throws -> [Float] {
        let tensor = Tensor(shape: TensorShape(n: 1, c: input.bandCount, h: input.size, w: input.size), storage: input.values)
        let output = try augmentation.predict(tensor, with: engine)
        guard output.shape.c == classNames.count, output.shape.h == input.size, output.shape.w == input.size else {
            throw InferenceError(code: .bandCountMismatch,
                                 message: "the model gives \(output.shape.c) x \(output.shape.h) x \(output.shape.w) for a \(input.size)-pixel tile; expected \(classNames.count) classes of the same size")
        }
        return output.storage
    }

    /// Builds the model a package carries (on a worker, or in this process).
    static func make(_ package: ModelPackage, threads: Int) throws -> TileModel {
        let graph = try ONNXImporter().importModel(data: Data(package.bytes), directory: nil)
        let settings = try JSONDecoder().decode(Settings.self, from: Data(package.options.utf8))
        return try EngineTileModel(graph: graph, classNames: package.classNames, settings: settings, threads: threads)
    }
}

extension ModelFactory {
    /// Every model kind this binary can run: identity and ONNX.
    static func standard(threads: Int) -> ModelFactory {
        ModelFactory(extra: ["onnx": { package in try EngineTileModel.make(package, threads: threads) }])
    }
}
