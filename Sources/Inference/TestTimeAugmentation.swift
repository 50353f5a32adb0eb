import Foundation
import Kernels

/// D4 test-time augmentation: every tile runs as its 8 dihedral variants in one batch; the
/// outputs are transformed back and merged per pixel.
public struct TestTimeAugmentation: Sendable {
    /// How the 8 aligned predictions of a pixel are combined.
    public enum Merge: String, Sendable, CaseIterable {
        /// Arithmetic mean (the default).
        case mean
        /// exp(mean(log p)), with p clamped to >= 1e-12; for probabilities, favours agreement.
        case geometricMean = "geometric-mean"
        /// The largest of the 8.
        case max
    }

    public var merge: Merge
    /// When false, `predict` runs the tile once, untransformed (the off switch).
    public var enabled: Bool

    public init(merge: Merge = .mean, enabled: Bool = true) {
        (self.merge, self.enabled) = (merge, enabled)
    }

    /// N x C x S x S (square tiles) -> the engine's first output for each tile, augmented.
    public func predict(_ input: Tensor, with engine: Engine) throws -> Tensor {
        guard enabled else { return try engine(input) }
        let s = input.shape
        guard s.h == s.w else {
            throw InferenceError(code: .nonSquareTile, message: "D4 augmentation needs square tiles, got \(s.h) x \(s.w)")
        }
        let batch = try engine(augmentedBatch(input))
        guard batch.shape.h == batch.shape.w else {
            throw InferenceError(code: .nonSquareTile, message: "D4 augmentation needs square outputs, the model gives \(batch.shape.h) x \(batch.shape.w)")
        }
        return merged(batch, tiles: s.n)
    }

    /// The 8N-tile batch: tile n's variant v at index n * 8 + v, in `DihedralTransform.all` order.
    public func augmentedBatch(_ input: Tensor) -> Tensor {
        let s = input.shape, plane = s.h * s.w, variants = DihedralTransform.all
        var batch = Tensor(zeros: TensorShape(n: s.n * 8, c: s.c, h: s.h, w: s.w))
        input.withUnsafeBufferPointer { source in
            batch.withUnsafeMutableBufferPointer { target in
                for n in 0..<s.n {
                    for (v, transform) in variants.enumerated() {
                        for c in 0..<s.c {
                            transform.apply(source.baseAddress! + (n * s.c + c) * plane,
                                            into: target.baseAddress! + ((n * 8 + v) * s.c + c) * plane,
                                            size: s.h, inverse: false)
                        }
                    }
                }
            }
        }
        return batch
    }

    /// Undoes each variant's transform on the 8N outputs and merges them into N.
    public func merged(_ batch: Tensor, tiles: Int) -> Tensor {
        let s = batch.shape, plane = s.h * s.w, variants = DihedralTransform.all
        var result = Tensor(zeros: TensorShape(n: tiles, c: s.c, h: s.h, w: s.w))
        var aligned = [Float](repeating: 0, count: plane)
        batch.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                aligned.withUnsafeMutableBufferPointer { aligned in
                    for n in 0..<tiles {
                        for c in 0..<s.c {
                            let out = target.baseAddress! + (n * s.c + c) * plane
                            out.initialize(repeating: merge == .max ? -.infinity : 0, count: plane)
                            for (v, transform) in variants.enumerated() {
                                transform.apply(source.baseAddress! + ((n * 8 + v) * s.c + c) * plane,
                                                into: aligned.baseAddress!, size: s.h, inverse: true)
                                for i in 0..<plane {
                                    switch merge {
                                    case .mean: out[i] += aligned[i]
                                    case .geometricMean: out[i] += Foundation.log(Swift.max(aligned[i], 1e-12))
                                    case .max: out[i] = Swift.max(out[i], aligned[i])
                                    }
                                }
                            }
                            for i in 0..<plane {
                                switch merge {
                                case .mean: out[i] /= 8
                                case .geometricMean: out[i] = Foundation.exp(out[i] / 8)
                                case .max: break
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
