import Foundation
import Testing
@testable import Training

@Suite struct TrainerTests {
    /// A tiny batch whose classes are simple functions of the bands.
    static func batch(seed: UInt64, batch: Int = 2, bands: Int = 3, size: Int = 16) -> (inputs: [Float], targets: [Float]) {
        var random = TestRandom(seed)
        let inputs = random.floats(batch * bands * size * size)
        let plane = size * size
        var targets = [Float](repeating: 0, count: batch * 2 * plane)
        for n in 0..<batch {
            for i in 0..<plane {
                let a = inputs[(n * bands) * plane + i], b = inputs[(n * bands + 1) * plane + i]
                targets[(n * 2) * plane + i] = a > 0.2 ? 1 : 0
                targets[(n * 2 + 1) * plane + i] = a + b < -0.3 ? 1 : 0
            }
        }
        return (inputs, targets)
    }

    @Test(arguments: [true, false])
    func tinyModelOverfitsTinyBatch(batchNorm: Bool) throws {
        let architecture = UNetArchitecture(inputBands: 3, classes: 2, depth: 2, baseFilters: 8, batchNorm: batchNorm)
        let trainer = Trainer(model: try UNetModel(architecture: architecture, seed: 5), loss: JaccardBCELoss(),
                              optimizer: Adam(learningRate: 1e-2), threads: 2, seed: 1)
        let (inputs, targets) = Self.batch(seed: 11)
        var losses: [Float] = []
        for _ in 0..<60 { losses.append(try trainer.step(inputs: inputs, targets: targets, batch: 2, size: 16)) }
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.last! < losses.first! / 4, "loss went from \(losses.first!) to \(losses.last!)")
        // The evaluation-mode model now separates the classes on this batch.
        let p = try trainer.model.predict(inputs, batch: 2, size: 16)
        let correct = zip(p, targets).filter { ($0 > 0.5) == ($1 > 0.5) }.count
        #expect(Double(correct) / Double(p.count) > 0.95)
    }

    static func run(_ trainer: Trainer, steps: Range<Int>, size: Int = 16) throws {
        for step in steps {
            let (inputs, targets) = batch(seed: 100 + UInt64(step), size: size)
            _ = try trainer.step(inputs: inputs, targets: targets, batch: 2, size: size)
        }
    }

    /// Patch sizes for the exactness tests: 16 runs every convolution on GEMM; 32 (2 x 32² pixels)
    /// runs level 0's forward pass, input and weight gradients on Winograd.
    static let exactnessSizes = [16, 32]

    static let resumable = UNetArchitecture(inputBands: 3, classes: 2, depth: 2, baseFilters: 4, batchNorm: true, dropout: 0.3)

    @Test(arguments: exactnessSizes)
    func checkpointRestoreContinuesExactly(size: Int) throws {
        let straight = Trainer(model: try UNetModel(architecture: Self.resumable, seed: 8), loss: JaccardBCELoss(),
                               optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 4)
        try Self.run(straight, steps: 0..<6, size: size)

        let first = Trainer(model: try UNetModel(architecture: Self.resumable, seed: 8), loss: JaccardBCELoss(),
                            optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 4)
        try Self.run(first, steps: 0..<3, size: size)
        let bytes = try first.checkpoint()
        // A fresh model and trainer with other seeds: everything must come from the checkpoint.
        let resumed = Trainer(model: try UNetModel(architecture: Self.resumable, seed: 123), loss: JaccardBCELoss(),
                              optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 77)
        try resumed.restore(from: bytes)
        #expect(resumed.optimizer.step == 3)
        try Self.run(resumed, steps: 3..<6, size: size)
        for ((name, a), (_, b)) in zip(straight.model.stateTensors, resumed.model.stateTensors) {
            #expect(a.array == b.array, "\(name) differs after resume")
        }
        #expect(try straight.checkpoint() == resumed.checkpoint())
    }

    @Test(arguments: exactnessSizes)
    func singleThreadRunsAreRepeatable(size: Int) throws {
        func final() throws -> [Float] {
            let trainer = Trainer(model: try UNetModel(architecture: Self.resumable, seed: 8), loss: JaccardBCELoss(),
                                  optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 4)
            try Self.run(trainer, steps: 0..<2, size: size)
            return trainer.model.stateTensors.flatMap(\.buffer.array)
        }
        #expect(try final() == final())
    }

    @Test func restoreFromAnotherArchitectureFailsInOneLine() throws {
        let donor = Trainer(model: try UNetModel(architecture: Self.resumable, seed: 1), loss: JaccardBCELoss(),
                            optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 1)
        var other = Self.resumable
        other.baseFilters = 8
        let trainer = Trainer(model: try UNetModel(architecture: other, seed: 1), loss: JaccardBCELoss(),
                              optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 1)
        let before = trainer.model.stateTensors.flatMap(\.buffer.array)
        let error = try #require(throws: TrainingError.self) { try trainer.restore(from: donor.checkpoint()) }
        #expect(error.code == .architectureMismatch)
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("base 4") && error.message.contains("base 8"), "\(error.message)")
        #expect(trainer.model.stateTensors.flatMap(\.buffer.array) == before)
        // Not a checkpoint, or a truncated one.
        #expect(throws: TrainingError.self) { try trainer.restore(from: Data("hello".utf8)) }
        let truncated = try donor.checkpoint().dropLast(10)
        #expect(throws: TrainingError.self) { try donor.restore(from: Data(truncated)) }
    }

    @Test func badArchitecturesAndInputsAreOneLine() throws {
        for bad in [UNetArchitecture(inputBands: 3, classes: 2, depth: 0), UNetArchitecture(inputBands: 0, classes: 2),
                    UNetArchitecture(inputBands: 3, classes: 0), UNetArchitecture(inputBands: 3, classes: 2, baseFilters: 0),
                    UNetArchitecture(inputBands: 3, classes: 2, dropout: 1)] {
            let error = try #require(throws: TrainingError.self) { try UNetModel(architecture: bad, seed: 1) }
            #expect(error.code == .invalidArchitecture && !error.message.contains("\n"))
        }
        let model = try UNetModel(architecture: UNetArchitecture(inputBands: 3, classes: 2, depth: 2, baseFilters: 4), seed: 1)
        #expect(throws: TrainingError.self) { try model.predict([Float](repeating: 0, count: 3 * 10 * 10), batch: 1, size: 10) }
        #expect(throws: TrainingError.self) { try model.predict([Float](repeating: 0, count: 5), batch: 1, size: 16) }
        let trainer = Trainer(model: model, loss: JaccardBCELoss(), optimizer: Adam(learningRate: 1e-3), threads: 1, seed: 1)
        // Batch norm over a single value per channel (batch 1, 4-pixel patch at depth 2) is degenerate.
        let degenerate = try #require(throws: TrainingError.self) {
            try trainer.step(inputs: [Float](repeating: 0, count: 3 * 16), targets: [Float](repeating: 0, count: 2 * 16), batch: 1, size: 4)
        }
        #expect(degenerate.message.contains("batch norm needs more than one value"))
        #expect(throws: TrainingError.self) {
            try trainer.step(inputs: [Float](repeating: 0, count: 3 * 256), targets: [Float](repeating: 0, count: 256), batch: 1, size: 16)
        }
    }

    @Test(arguments: WeightInitialization.allCases)
    func initializationBounds(_ scheme: WeightInitialization) throws {
        let model = try UNetModel(architecture: UNetArchitecture(inputBands: 20, classes: 10, depth: 1, baseFilters: 16,
                                                                 initialization: scheme), seed: 3)
        let conv = model.encoders[0].conv1  // fan_in 20·9, fan_out 16·9
        let bound = Float(scheme == .heUniform ? (6.0 / 180).squareRoot() : (6.0 / (180 + 144)).squareRoot())
        let values = conv.weight.value.array
        #expect(values.allSatisfy { abs($0) <= bound })
        #expect(values.map(abs).max()! > bound * 0.95)
        let up = model.ups[0].weight.value.array  // Cin 32, Cout 16: fan_in 16·4
        let upBound = Float(scheme == .heUniform ? (6.0 / 64).squareRoot() : (6.0 / (64 + 128)).squareRoot())
        #expect(up.allSatisfy { abs($0) <= upBound } && up.map(abs).max()! > upBound * 0.95)
        // Same seed, same weights; another seed, others.
        let again = try UNetModel(architecture: model.architecture, seed: 3), other = try UNetModel(architecture: model.architecture, seed: 4)
        #expect(again.encoders[0].conv1.weight.value.array == values)
        #expect(other.encoders[0].conv1.weight.value.array != values)
    }
}
