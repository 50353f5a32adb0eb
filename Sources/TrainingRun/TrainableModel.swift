import Foundation

/// What the training loop needs of a model and its optimizer; the CLI adapts the Training
/// module's `Trainer` to it. Keeps the loop (sampling, validation, checkpoints, logs) apart from
/// the network's arithmetic.
public protocol TrainableModel: AnyObject {
    /// One optimizer step on a batch (NCHW inputs, NCHW 0/1 targets) at `learningRate`; the loss.
    func step(inputs: [Float], targets: [Float], batch: Int, size: Int, learningRate: Float) throws -> Float
    /// Per-class probabilities (NCHW) in evaluation mode.
    func predict(_ inputs: [Float], batch: Int, size: Int) throws -> [Float]
    /// The full state: weights, optimizer moments, the model's own random numbers.
    func checkpoint() throws -> Data
    func restore(from data: Data) throws
}
