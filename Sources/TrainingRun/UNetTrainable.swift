import Foundation
import Training

/// The Training module's U-Net, loss and Adam behind the loop's `TrainableModel`.
public final class UNetTrainable: TrainableModel {
    public let trainer: Trainer
    public let threads: Int

    public init(architecture: UNetArchitecture, classWeights: [Float]?, learningRate: Float, threads: Int, seed: UInt64) throws {
        try architecture.validate()
        let model = try UNetModel(architecture: architecture, seed: seed)
        // The trainer's own generator (dropout masks) is seeded apart from the weights'.
        trainer = Trainer(model: model, loss: JaccardBCELoss(classWeights: classWeights), optimizer: Adam(learningRate: learningRate),
                          threads: threads, seed: seed &+ 0x5EED)
        self.threads = threads
    }

    public var model: UNetModel { trainer.model }

    public func step(inputs: [Float], targets: [Float], batch: Int, size: Int, learningRate: Float) throws -> Float {
        trainer.optimizer.learningRate = learningRate
        return try trainer.step(inputs: inputs, targets: targets, batch: batch, size: size)
    }

    public func predict(_ inputs: [Float], batch: Int, size: Int) throws -> [Float] {
        try trainer.model.predict(inputs, batch: batch, size: size, threads: threads)
    }

    public func checkpoint() throws -> Data { try trainer.checkpoint() }

    public func restore(from data: Data) throws { try trainer.restore(from: data) }
}
