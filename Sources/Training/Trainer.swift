import Foundation
import Kernels

/// Trains a `UNetModel`: forward in training mode, the loss, backward, one Adam step.
/// With one thread a run is repeatable bit for bit from its seed (and across a checkpoint);
/// with more, images of a batch are spread over threads and weight gradients are summed per
/// thread, so the last bits may differ.
public final class Trainer {
    public let model: UNetModel
    public let loss: JaccardBCELoss
    public let optimizer: Adam
    public let threads: Int
    /// Draws dropout masks; saved in checkpoints.
    var random: SplitMix64
    private var targetsBuffer = FloatBuffer(count: 0)

    public init(model: UNetModel, loss: JaccardBCELoss, optimizer: Adam, threads: Int, seed: UInt64) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.threads = max(1, threads)
        random = SplitMix64(seed: seed)
        optimizer.attach(model.parameters)
    }

    /// One optimizer step on a batch (training mode): `inputs` NCHW [batch, inputBands, size, size],
    /// `targets` NCHW 0/1 [batch, classes, size, size]; returns the batch's loss before the step.
    public func step(inputs: [Float], targets: [Float], batch: Int, size: Int) throws -> Float {
        let value = try computeGradients(inputs: inputs, targets: targets, batch: batch, size: size)
        optimizer.update(model.parameters, threads: threads)
        return value
    }

    /// Forward, loss and backward without updating weights (gradient checks, diagnostics).
    func computeGradients(inputs: [Float], targets: [Float], batch: Int, size: Int) throws -> Float {
        let architecture = model.architecture
        try model.checkInput(count: inputs.count, batch: batch, size: size, channels: architecture.inputBands, what: "input")
        try model.checkInput(count: targets.count, batch: batch, size: size, channels: architecture.classes, what: "targets")
        try loss.check(classes: architecture.classes)
        let bottom = size >> architecture.depth
        if architecture.batchNorm && batch * bottom * bottom < 2 {
            throw TrainingError(code: .invalidInput,
                                message: "batch norm needs more than one value per channel: batch \(batch) of \(size)-pixel patches leaves 1 value at depth \(architecture.depth); use a larger batch or patch")
        }
        model.prepare(batch: batch, size: size, threads: threads)
        if BLASThreads.count != 1 { BLASThreads.set(1) }
        return inputs.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { t in
                model.forward(x.baseAddress!, batch: batch, size: size, training: true, random: &random, threads: threads)
                let value = loss.evaluate(logits: model.logits.pointer, targets: t.baseAddress!, probabilities: model.probabilities.pointer,
                                          gradient: model.logitsGradient.pointer, batch: batch, classes: architecture.classes,
                                          plane: size * size, threads: threads)
                model.backward(x.baseAddress!, batch: batch, size: size, threads: threads)
                return value
            }
        }
    }

    /// The probabilities of the last training step's forward pass (NCHW).
    public var lastProbabilities: [Float] { model.probabilities.array }
}
