import Foundation
import TestSupport
import Testing

@testable import TrainingRun

/// A per-pixel logistic regression (one weight per band and class, and a bias), trained by plain
/// gradient descent: small enough to run many epochs in a debug build, real enough that the loop's
/// sampling, validation, checkpoints and resume can be checked end to end.
final class PixelLogisticModel: TrainableModel {
    let bands: Int, classes: Int
    var weights: [Float]

    init(bands: Int, classes: Int) {
        self.bands = bands
        self.classes = classes
        weights = [Float](repeating: 0, count: classes * (bands + 1))
    }

    func predict(_ inputs: [Float], batch: Int, size: Int) throws -> [Float] {
        let plane = size * size
        var out = [Float](repeating: 0, count: batch * classes * plane)
        for n in 0..<batch {
            for c in 0..<classes {
                for i in 0..<plane {
                    var z = weights[c * (bands + 1) + bands]
                    for b in 0..<bands { z += weights[c * (bands + 1) + b] * inputs[(n * bands + b) * plane + i] }
                    out[(n * classes + c) * plane + i] = 1 / (1 + exp(-z))
                }
            }
        }
        return out
    }

    func step(inputs: [Float], targets: [Float], batch: Int, size: Int, learningRate: Float) throws -> Float {
        let p = try predict(inputs, batch: batch, size: size)
        let plane = size * size
        var gradient = [Float](repeating: 0, count: weights.count)
        var loss: Float = 0
        for n in 0..<batch {
            for c in 0..<classes {
                for i in 0..<plane {
                    let k = (n * classes + c) * plane + i
                    let error = p[k] - targets[k]
                    loss -= targets[k] * log(max(p[k], 1e-7)) + (1 - targets[k]) * log(max(1 - p[k], 1e-7))
                    for b in 0..<bands { gradient[c * (bands + 1) + b] += error * inputs[(n * bands + b) * plane + i] }
                    gradient[c * (bands + 1) + bands] += error
                }
            }
        }
        let count = Float(batch * plane)
        for j in weights.indices { weights[j] -= learningRate * gradient[j] / count }
        return loss / (count * Float(classes))
    }

    func checkpoint() throws -> Data { weights.withUnsafeBytes { Data($0) } }

    func restore(from data: Data) throws {
        guard data.count == weights.count * 4 else { throw TrainingRunError(code: .badCheckpoint, message: "wrong size") }
        weights = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

@Suite struct TrainingLoopTests {
    /// 48 x 48, 2 bands; class 0 where band 0 > 0.5, class 1 where band 1 > 0.7.
    static func scene(_ name: String, seed: UInt64) -> LabelledScene {
        var random = TrainingRandom(seed: seed)
        let plane = 48 * 48
        let inputs = (0..<2 * plane).map { _ in Float(random.below(1000)) / 1000 }
        let truth = (0..<2 * plane).map { i -> UInt8 in i < plane ? (inputs[i] > 0.5 ? 1 : 0) : (inputs[i] > 0.7 ? 1 : 0) }
        return LabelledScene(name: name, width: 48, height: 48, bandCount: 2, classCount: 2, inputs: inputs, truth: truth)
    }

    func loop(_ folder: String, epochs: Int, model: PixelLogisticModel, architecture: String = "logistic 2->2",
              patience: Int? = nil, events: @escaping (TrainingLoop.Event) -> Void = { _ in }) throws -> TrainingLoop {
        let sampler = try PatchSampler(scenes: [Self.scene("a", seed: 1), Self.scene("b", seed: 2)], size: 16, mode: .classBalanced, augment: true)
        let plan = TrainingPlan(classNames: ["x", "y"], epochs: epochs, stepsPerEpoch: 5, batch: 2, learningRate: 2,
                                schedule: .cosine, patience: patience, seed: 9, architecture: architecture)
        return try TrainingLoop(model: model, sampler: sampler, validation: [Self.scene("v", seed: 3)], plan: plan,
                                folder: RunFolder(folder), report: events)
    }

    /// metrics.csv rows without the timing column.
    func rows(_ folder: String) throws -> [String] {
        try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        }
    }

    @Test func theModelLearnsAndEveryOutputIsWritten() throws {
        let directory = try TemporaryDirectory()
        let model = PixelLogisticModel(bands: 2, classes: 2)
        var epochs: [TrainingLoop.EpochResult] = []
        let summary = try loop(directory.path, epochs: 6, model: model) { if case .epoch(let e) = $0 { epochs.append(e) } }.run(resume: false)
        #expect(summary.epochsDone == 6 && epochs.count == 6)
        #expect(epochs.last!.jaccard.mean > 0.6, "a linearly separable task: \(epochs.map(\.jaccard.mean))")
        #expect(epochs.last!.loss < epochs.first!.loss)
        let rows = try rows(directory.path)
        #expect(rows.count == 7 && rows[0] == "epoch,step,learning_rate,train_loss,val_mean_jaccard,val_jaccard_x,val_jaccard_y")
        #expect(rows[6].hasPrefix("6,30,"))
        for file in ["checkpoints/last.ckpt", "checkpoints/best.ckpt"] { #expect(FileManager.default.fileExists(atPath: directory.file(file))) }
        let events = try FileManager.default.contentsOfDirectory(atPath: directory.file("tensorboard"))
        #expect(events.count == 1)
        let read = try EventFileTests.readEvents(directory.file("tensorboard/" + events[0]))
        #expect(read.count == 7 && read[6]["step"] as? Int == 30)
        #expect((read[6]["scalars"] as? [String: Double])?.keys.sorted()
                == ["train/learning_rate", "train/loss", "val/jaccard/x", "val/jaccard/y", "val/mean_jaccard"])
        // The model is left with the best epoch's weights.
        let best = try RunCheckpoint.read(from: directory.file("checkpoints/best.ckpt"))
        #expect(try model.checkpoint() == best.model && best.state.bestEpoch == summary.bestEpoch)
    }

    @Test func resumeContinuesExactly() throws {
        let whole = try TemporaryDirectory(), parts = try TemporaryDirectory()
        let uninterrupted = PixelLogisticModel(bands: 2, classes: 2)
        _ = try loop(whole.path, epochs: 5, model: uninterrupted).run(resume: false)
        _ = try loop(parts.path, epochs: 5, model: PixelLogisticModel(bands: 2, classes: 2)).run(resume: false, sessionEpochs: 2)
        // A fresh process: a new model object restored from the checkpoint.
        let resumed = PixelLogisticModel(bands: 2, classes: 2)
        var resumedFrom: Int?
        _ = try loop(parts.path, epochs: 5, model: resumed) { if case .resumed(let done, _) = $0 { resumedFrom = done } }.run(resume: true)
        #expect(resumedFrom == 2)
        #expect(try RunCheckpoint.read(from: whole.file("checkpoints/last.ckpt")).model
                == RunCheckpoint.read(from: parts.file("checkpoints/last.ckpt")).model, "same final weights")
        #expect(try rows(whole.path) == rows(parts.path), "same losses and scores, epoch by epoch")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parts.file("tensorboard")).count == 2, "one event file per session")
    }

    @Test func aFinishedOrForeignRunIsRefusedInOneLine() throws {
        let directory = try TemporaryDirectory()
        _ = try loop(directory.path, epochs: 1, model: PixelLogisticModel(bands: 2, classes: 2)).run(resume: false)
        let again = #expect(throws: TrainingRunError.self) {
            try loop(directory.path, epochs: 1, model: PixelLogisticModel(bands: 2, classes: 2)).run(resume: false)
        }
        #expect(again?.description.contains("already holds a training run") == true)
        let foreign = #expect(throws: TrainingRunError.self) {
            try loop(directory.path, epochs: 2, model: PixelLogisticModel(bands: 2, classes: 2), architecture: "logistic 3->2").run(resume: true)
        }
        #expect(foreign?.description == "\(directory.path)/checkpoints/last.ckpt: the checkpoint is of another architecture (logistic 2->2) than the training file's (logistic 3->2)")
        let empty = try TemporaryDirectory()
        let nothing = #expect(throws: TrainingRunError.self) {
            try loop(empty.path, epochs: 1, model: PixelLogisticModel(bands: 2, classes: 2)).run(resume: true)
        }
        #expect(nothing?.description == "\(empty.path): nothing to resume: no checkpoints/last.ckpt (start without --resume)")
    }

    @Test func earlyStoppingEndsTheRunAndResumeDoesNotRestartIt() throws {
        let directory = try TemporaryDirectory()
        // Learning rate 2 with cosine decay converges within a few epochs; patience 1 then stops.
        var stopped: Int?
        let summary = try loop(directory.path, epochs: 40, model: PixelLogisticModel(bands: 2, classes: 2), patience: 1) {
            if case .stoppedEarly(let epoch, _) = $0 { stopped = epoch }
        }.run(resume: false)
        #expect(summary.stoppedEarly && stopped == summary.epochsDone && summary.epochsDone < 40)
        let again = try loop(directory.path, epochs: 40, model: PixelLogisticModel(bands: 2, classes: 2), patience: 1).run(resume: true)
        #expect(again.epochsDone == summary.epochsDone)
    }
}
