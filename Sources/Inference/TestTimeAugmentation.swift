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
        let threads = engine.options.threads
        let batch = try engine(augmentedBatch(input, threads: threads))
        guard batch.shape.h == batch.shape.w else {
            throw InferenceError(code: .nonSquareTile, message: "D4 augmentation needs square outputs, the model gives \(batch.shape.h) x \(batch.shape.w)")
        }
        return merged(batch, tiles: s.n, threads: threads)
    }

    /// The 8N-tile batch: tile n's variant v at index n * 8 + v, in `DihedralTransform.all` order.
    /// Planes are shared among `threads` workers.
    public func augmentedBatch(_ input: Tensor, threads: Int = 1) -> Tensor {
        let s = input.shape, plane = s.h * s.w, variants = DihedralTransform.all
        var batch = Tensor(zeros: TensorShape(n: s.n * 8, c: s.c, h: s.h, w: s.w))
        input.withUnsafeBufferPointer { source in
            batch.withUnsafeMutableBufferPointer { target in
                let source = source.baseAddress!, target = target.baseAddress!
                // One work item per (tile, variant, channel) plane.
                parallelFor(s.n * 8 * s.c, threads: threads) { item, _ in
                    let c = item % s.c, v = (item / s.c) % 8, n = item / (8 * s.c)
                    variants[v].apply(source + (n * s.c + c) * plane, into: target + ((n * 8 + v) * s.c + c) * plane, size: s.h)
                }
            }
        }
        return batch
    }

    /// Undoes each variant's transform on the 8N outputs and merges them into N (variants folded
    /// in a fixed order, so the result does not depend on `threads`).
    public func merged(_ batch: Tensor, tiles: Int, threads: Int = 1) -> Tensor {
        let s = batch.shape, plane = s.h * s.w, variants = DihedralTransform.all, merge = self.merge
        var result = Tensor(zeros: TensorShape(n: tiles, c: s.c, h: s.h, w: s.w))
        batch.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                let source = source.baseAddress!, target = target.baseAddress!
                parallelFor(tiles * s.c, threads: threads) { item, _ in
                    let n = item / s.c, c = item % s.c
                    let out = target + (n * s.c + c) * plane
                    out.initialize(repeating: merge == .max ? -.infinity : 0, count: plane)
                    for (v, transform) in variants.enumerated() {
                        let variant = source + ((n * 8 + v) * s.c + c) * plane
                        switch merge {
                        case .mean: transform.accumulateInverse(variant, into: out, size: s.h) { $0 + $1 }
                        case .geometricMean:
                            transform.accumulateInverse(variant, into: out, size: s.h) { $0 + Foundation.log(Swift.max($1, 1e-12)) }
                        case .max: transform.accumulateInverse(variant, into: out, size: s.h) { Swift.max($0, $1) }
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
        return result
    }
}
