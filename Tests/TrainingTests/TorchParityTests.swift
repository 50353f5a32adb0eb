import Foundation
import Testing
@testable import Training

/// The whole U-Net against PyTorch autograd: Fixtures/*.json were made once by
/// make_torch_fixtures.py (same architecture and parameter names, random weights, batch-norm
/// statistics and biases): training-mode probabilities, loss, every parameter's gradient, three
/// Adam steps and the evaluation-mode output must agree.
@Suite struct TorchParityTests {
    struct Fixture: Decodable {
        let name: String
        let architecture: UNetArchitecture
        let batch: Int
        let size: Int
        let class_weights: [Float]?
        let learning_rate: Float
        let steps: Int
        let input: [Float]
        let targets: [Float]
        let initial: [String: [Float]]
        let loss: Float
        let probabilities: [Float]
        let gradients: [String: [Float]]
        let step_losses: [Float]
        let final: [String: [Float]]
        let eval_probabilities: [Float]
    }

    static func load(_ name: String) throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func trainer(_ fixture: Fixture, threads: Int, convolutions: Conv2D.Algorithm = .automatic) throws -> Trainer {
        let model = try UNetModel(architecture: fixture.architecture, seed: 99, convolutions: convolutions)
        let names = Set(model.stateTensors.map(\.name))
        #expect(names == Set(fixture.initial.keys), "parameter names differ from PyTorch's")
        for (name, buffer) in model.stateTensors { buffer.copy(from: try #require(fixture.initial[name])) }
        return Trainer(model: model, loss: JaccardBCELoss(classWeights: fixture.class_weights),
                       optimizer: Adam(learningRate: fixture.learning_rate), threads: threads, seed: 1)
    }

    @Test(arguments: ["bn_depth2", "plain_weighted"], [(1, Conv2D.Algorithm.gemm), (2, .gemm), (1, .winograd), (2, .winograd)])
    func matchesAutograd(_ name: String, setup: (threads: Int, convolutions: Conv2D.Algorithm)) throws {
        let fixture = try Self.load(name)
        let trainer = try Self.trainer(fixture, threads: setup.threads, convolutions: setup.convolutions)
        // The fixtures are small: the automatic choice would be GEMM everywhere, so both are forced.
        #expect(fixture.batch * fixture.size * fixture.size < Conv2D.winogradMinimumPixels)
        let loss = try trainer.computeGradients(inputs: fixture.input, targets: fixture.targets, batch: fixture.batch, size: fixture.size)
        #expect(abs(loss - fixture.loss) < 1e-5, "loss \(loss) vs PyTorch \(fixture.loss)")
        #expect(maxAbsDifference(trainer.lastProbabilities, fixture.probabilities) < 1e-5)
        for parameter in trainer.model.parameters {
            let expected = try #require(fixture.gradients[parameter.name])
            let error = relativeError(parameter.gradient.array, expected.map(Double.init), floor: 1e-3)
            #expect(error < 1e-3, "\(name): gradient of \(parameter.name) off by \(error) (relative)")
        }
    }

    @Test(arguments: ["bn_depth2", "plain_weighted"], [Conv2D.Algorithm.gemm, .winograd])
    func adamStepsMatch(_ name: String, convolutions: Conv2D.Algorithm) throws {
        let fixture = try Self.load(name)
        let trainer = try Self.trainer(fixture, threads: 1, convolutions: convolutions)
        for (step, expectedLoss) in fixture.step_losses.enumerated() {
            let loss = try trainer.step(inputs: fixture.input, targets: fixture.targets, batch: fixture.batch, size: fixture.size)
            #expect(abs(loss - expectedLoss) < 1e-4, "step \(step): loss \(loss) vs PyTorch \(expectedLoss)")
        }
        for (tensorName, buffer) in trainer.model.stateTensors {
            let expected = try #require(fixture.final[tensorName])
            let difference = maxAbsDifference(buffer.array, expected)
            #expect(difference < 1e-4, "\(name): \(tensorName) after \(fixture.steps) Adam steps differs by \(difference)")
        }
        let evaluated = try trainer.model.predict(fixture.input, batch: fixture.batch, size: fixture.size)
        #expect(maxAbsDifference(evaluated, fixture.eval_probabilities) < 1e-4)
    }
}
