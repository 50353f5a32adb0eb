import Foundation
import Kernels

/// ReLU, 2x2 max pooling, channel concatenation, dropout and sigmoid: the layers without
/// parameters. Buffers are NCHW.
enum ReLU {
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = max(x[i], 0) }
    }

    /// dx = dy where the output was positive (PyTorch's convention at 0: no gradient); dx may be dy.
    static func backward(output y: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                         inputGradient dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] = y[i] > 0 ? dy[i] : 0 }
    }
}

/// 2x2 stride-2 max pooling. Ties go to the first maximum in row-major window order (PyTorch's
/// choice), so gradients match autograd exactly; the backward pass finds it again from the input.
enum MaxPool2 {
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Int, height: Int, width: Int, threads: Int) {
        let oh = height / 2, ow = width / 2
        parallelFor(planes, threads: threads) { p, _ in
            let from = x + p * height * width, to = y + p * oh * ow
            for i in 0..<oh {
                let top = from + 2 * i * width, bottom = top + width
                for j in 0..<ow {
                    to[i * ow + j] = max(max(top[2 * j], top[2 * j + 1]), max(bottom[2 * j], bottom[2 * j + 1]))
                }
            }
        }
    }

    /// Adds each pooled gradient to the input position that held the maximum.
    static func backwardAdding(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                               inputGradient dx: UnsafeMutablePointer<Float>, planes: Int, height: Int, width: Int, threads: Int) {
        let oh = height / 2, ow = width / 2
        parallelFor(planes, threads: threads) { p, _ in
            let from = x + p * height * width, to = dx + p * height * width, g = dy + p * oh * ow
            for i in 0..<oh {
                for j in 0..<ow {
                    let base = 2 * i * width + 2 * j
                    var best = base, value = from[base]
                    if from[base + 1] > value { best = base + 1; value = from[best] }
                    if from[base + width] > value { best = base + width; value = from[best] }
                    if from[base + width + 1] > value { best = base + width + 1 }
                    to[best] += g[i * ow + j]
                }
            }
        }
    }
}

/// Channel concatenation [a, b] of two NCHW tensors with the same batch and plane.
enum Concat {
    static func forward(_ a: UnsafePointer<Float>, channelsA: Int, _ b: UnsafePointer<Float>, channelsB: Int,
                        into y: UnsafeMutablePointer<Float>, batch: Int, plane: Int, threads: Int = 1) {
        let total = channelsA + channelsB
        place(a, channels: channelsA, into: y, first: 0, total: total, batch: batch, plane: plane, threads: threads)
        place(b, channels: channelsB, into: y, first: channelsA, total: total, batch: batch, plane: plane, threads: threads)
    }

    /// Copies `a` (`channels` per image) into channels `first ..< first + channels` of `y`, which
    /// has `total` channels per image: the other part of a concatenation written in place.
    static func place(_ a: UnsafePointer<Float>, channels: Int, into y: UnsafeMutablePointer<Float>, first: Int, total: Int,
                      batch: Int, plane: Int, threads: Int = 1) {
        parallelFor(batch, threads: threads) { n, _ in
            (y + (n * total + first) * plane).update(from: a + n * channels * plane, count: channels * plane)
        }
    }

    /// The adjoint of `place`: channels `first ..< first + channels` of `dy` into `da`.
    static func extract(_ dy: UnsafePointer<Float>, first: Int, total: Int, into da: UnsafeMutablePointer<Float>, channels: Int,
                        batch: Int, plane: Int, threads: Int = 1) {
        parallelFor(batch, threads: threads) { n, _ in
            (da + n * channels * plane).update(from: dy + (n * total + first) * plane, count: channels * plane)
        }
    }

    /// Splits the gradient of the concatenation back into its two parts.
    static func backward(_ dy: UnsafePointer<Float>, into da: UnsafeMutablePointer<Float>, channelsA: Int,
                         _ db: UnsafeMutablePointer<Float>, channelsB: Int, batch: Int, plane: Int, threads: Int = 1) {
        let total = channelsA + channelsB
        extract(dy, first: 0, total: total, into: da, channels: channelsA, batch: batch, plane: plane, threads: threads)
        extract(dy, first: channelsA, total: total, into: db, channels: channelsB, batch: batch, plane: plane, threads: threads)
    }
}

/// Inverted dropout: each value is kept with probability 1 - p and scaled by 1 / (1 - p), so
/// evaluation is the identity. The mask (0 or 1 / (1 - p) per value) is kept for the backward pass.
enum Dropout {
    static func makeMask(_ mask: UnsafeMutablePointer<Float>, count: Int, probability p: Double, random: inout SplitMix64) {
        let keep = Float(1 / (1 - p))
        for i in 0..<count { mask[i] = random.unit() < p ? 0 : keep }
    }

    static func apply(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = x[i] * mask[i] }
    }
}

enum Sigmoid {
    @inline(__always)
    static func value(_ z: Float) -> Float { 1 / (1 + exp(-z)) }

    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = value(x[i]) }
    }

    /// dx = dy · y · (1 - y); dx may be dy.
    static func backward(output y: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                         inputGradient dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
    }
}
