import Foundation
import Kernels
import Testing
import TestSupport

/// Fast pooling, resize, pad, softmax, concat, broadcast and channel-affine kernels against the
/// naive references in ReferenceKernels.swift, on small random tensors.
/// Tolerance: 1e-5 relative to max(1, |expected|) unless a test says otherwise.
@Suite struct ReferenceKernelTests {
    static func random(_ shape: TensorShape, seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.count).map { _ in Float.random(in: range, using: &generator) })
    }

    /// Runs a pointer-based kernel from `input` into a fresh tensor of `shape`.
    static func run(_ input: Tensor, into shape: TensorShape,
                    _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        var out = Tensor(shape: shape, filled: .nan)
        input.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in body(source.baseAddress!, target.baseAddress!) }
        }
        return out
    }

    static func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5,
                            _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(context): shape", sourceLocation: sourceLocation)
        guard actual.shape == expected.shape else { return }
        var failures = 0
        for i in expected.storage.indices {
            let a = actual.storage[i], e = expected.storage[i]
            let ok = a == e || abs(a - e) <= tolerance * max(1, abs(e))
            if !ok {
                failures += 1
                if failures <= 5 {
                    Issue.record("\(context): element \(i) is \(a), expected \(e)", sourceLocation: sourceLocation)
                }
            }
        }
        if failures > 5 { Issue.record("\(context): \(failures) mismatching elements in all", sourceLocation: sourceLocation) }
    }

    // MARK: Pooling

    struct PoolCase: Sendable, CustomTestStringConvertible {
        let shape: TensorShape
        let window: PoolWindow
        var testDescription: String { "\(shape) \(window.geometry) ceil=\(window.ceilMode) includePad=\(window.countIncludePad)" }
    }

    static let poolCases: [PoolCase] = [
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 6, w: 6), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))),
        PoolCase(shape: TensorShape(n: 2, c: 3, h: 7, w: 5), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2), ceilMode: true)),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 7, w: 9), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1))),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 7, w: 9), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), countIncludePad: true)),
        PoolCase(shape: TensorShape(n: 1, c: 1, h: 8, w: 7), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 2, strideH: 2, strideW: 3, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1), ceilMode: true, countIncludePad: true)),
        PoolCase(shape: TensorShape(n: 1, c: 1, h: 8, w: 7), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 2, strideH: 2, strideW: 3, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1), ceilMode: true)),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 9, w: 8), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 3, strideH: 1, strideW: 2, dilationH: 2, dilationW: 2, padTop: 1, padLeft: 1, padBottom: 0, padRight: 1))),
        PoolCase(shape: TensorShape(n: 1, c: 1, h: 5, w: 5), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), ceilMode: true, countIncludePad: true)),
        PoolCase(shape: TensorShape(n: 1, c: 1, h: 1, w: 1), window: PoolWindow(geometry: ConvGeometry(kernelH: 1, kernelW: 1))),
        // No padding or dilation: the direct row loops (2x2 stride 2 has its own), widths a multiple
        // of 16 and not, odd sizes dropping the last row/column, ceil_mode overhang on the per-window path.
        PoolCase(shape: TensorShape(n: 1, c: 3, h: 6, w: 64), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))),
        PoolCase(shape: TensorShape(n: 2, c: 2, h: 7, w: 37), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 5, w: 37), window: PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2), ceilMode: true)),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 9, w: 37), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 3, strideW: 3))),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 10, w: 64), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 3, strideW: 3))),
        PoolCase(shape: TensorShape(n: 1, c: 2, h: 8, w: 16), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 3, strideW: 3), ceilMode: true)),
        PoolCase(shape: TensorShape(n: 1, c: 1, h: 9, w: 17), window: PoolWindow(geometry: ConvGeometry(kernelH: 3, kernelW: 2, strideH: 2, strideW: 1))),
    ]

    @Test(arguments: poolCases, [PoolKind.max, .average])
    func poolMatchesReference(_ c: PoolCase, kind: PoolKind) {
        let x = Self.random(c.shape, seed: 11)
        let expected = referencePool(kind, c.window, x)
        #expect(c.window.outputShape(for: c.shape) == expected.shape, "outputShape")
        for threads in [1, 2] {
            let actual = Self.run(x, into: c.window.outputShape(for: c.shape)) {
                pool(kind, c.window, input: $0, shape: c.shape, output: $1, threads: threads)
            }
            Self.expectClose(actual, expected, "\(kind) threads=\(threads)")
        }
    }

    @Test(arguments: [TensorShape(n: 2, c: 3, h: 5, w: 7), TensorShape(n: 1, c: 1, h: 1, w: 1), TensorShape(n: 1, c: 4, h: 3, w: 1)])
    func globalAveragePoolMatchesReference(_ shape: TensorShape) {
        let x = Self.random(shape, seed: 12)
        let expected = referenceGlobalAveragePool(x)
        let actual = Self.run(x, into: TensorShape(n: shape.n, c: shape.c, h: 1, w: 1)) {
            globalAveragePool(input: $0, shape: shape, output: $1)
        }
        Self.expectClose(actual, expected, "global average")
    }

    // MARK: Resize

    struct ResizeCase: Sendable, CustomTestStringConvertible {
        let shape: TensorShape
        let outH: Int, outW: Int
        /// Explicit ONNX `scales`; nil means `sizes` were given (scale = out / in).
        let scales: (Double, Double)?
        var testDescription: String { "\(shape) -> \(outH)x\(outW) scales=\(scales.map { "\($0)" } ?? "sizes")" }
    }

    static let resizeCases: [ResizeCase] = [
        ResizeCase(shape: TensorShape(n: 1, c: 2, h: 3, w: 4), outH: 6, outW: 8, scales: (2, 2)),
        ResizeCase(shape: TensorShape(n: 2, c: 1, h: 5, w: 3), outH: 7, outW: 4, scales: (1.5, 1.5)),
        ResizeCase(shape: TensorShape(n: 1, c: 2, h: 5, w: 7), outH: 3, outW: 4, scales: nil),
        ResizeCase(shape: TensorShape(n: 1, c: 1, h: 4, w: 5), outH: 1, outW: 9, scales: nil),
        ResizeCase(shape: TensorShape(n: 1, c: 1, h: 1, w: 3), outH: 3, outW: 3, scales: nil),
    ]

    static let resizeModes: [ResizeMode] = [.linear] + NearestRounding.allCases.map { .nearest($0) }

    @Test(arguments: resizeCases, CoordinateTransform.allCases)
    func resizeMatchesReference(_ c: ResizeCase, transform: CoordinateTransform) {
        let x = Self.random(c.shape, seed: 13)
        let scaleH = c.scales?.0 ?? Double(c.outH) / Double(c.shape.h)
        let scaleW = c.scales?.1 ?? Double(c.outW) / Double(c.shape.w)
        let outShape = TensorShape(n: c.shape.n, c: c.shape.c, h: c.outH, w: c.outW)
        for mode in Self.resizeModes {
            let expected = referenceResize(x, outH: c.outH, outW: c.outW, scaleH: scaleH, scaleW: scaleW,
                                           mode: mode, transform: transform)
            for threads in [1, 2] {
                let actual = Self.run(x, into: outShape) {
                    resize(input: $0, shape: c.shape, output: $1, outH: c.outH, outW: c.outW, scaleH: scaleH,
                           scaleW: scaleW, mode: mode, transform: transform, threads: threads)
                }
                Self.expectClose(actual, expected, "\(mode) \(transform.rawValue) threads=\(threads)")
            }
        }
    }

    // MARK: Pad

    struct PadCase: Sendable, CustomTestStringConvertible {
        let shape: TensorShape
        let begin: [Int], end: [Int]
        var testDescription: String { "\(shape) begin=\(begin) end=\(end)" }
    }

    static let padCases: [PadCase] = [
        PadCase(shape: TensorShape(n: 1, c: 2, h: 3, w: 4), begin: [0, 0, 1, 1], end: [0, 0, 1, 1]),
        PadCase(shape: TensorShape(n: 1, c: 2, h: 5, w: 3), begin: [0, 0, 2, 0], end: [0, 0, 0, 2]),
        PadCase(shape: TensorShape(n: 2, c: 3, h: 4, w: 5), begin: [0, 1, 0, 3], end: [1, 0, 3, 1]),
        PadCase(shape: TensorShape(n: 1, c: 1, h: 3, w: 3), begin: [0, 0, 5, 4], end: [0, 0, 4, 6]),
        PadCase(shape: TensorShape(n: 1, c: 2, h: 6, w: 7), begin: [0, 0, -1, -2], end: [0, 0, -2, 1]),
        PadCase(shape: TensorShape(n: 1, c: 2, h: 1, w: 4), begin: [0, 0, 2, 1], end: [0, 0, 1, 0]),
    ]

    @Test(arguments: padCases, [PadMode.constant(0), .constant(-2.5), .reflect, .edge])
    func padMatchesReference(_ c: PadCase, mode: PadMode) {
        let x = Self.random(c.shape, seed: 14)
        let expected = referencePad(x, begin: c.begin, end: c.end, mode: mode)
        #expect(paddedShape(c.shape, begin: c.begin, end: c.end) == expected.shape)
        let actual = Self.run(x, into: paddedShape(c.shape, begin: c.begin, end: c.end)) {
            pad(input: $0, shape: c.shape, output: $1, begin: c.begin, end: c.end, mode: mode)
        }
        Self.expectClose(actual, expected, tolerance: 0, "\(mode)")
    }

    // MARK: Softmax

    @Test(arguments: [TensorShape(n: 2, c: 3, h: 4, w: 5), TensorShape(n: 1, c: 7, h: 1, w: 3), TensorShape(n: 3, c: 1, h: 5, w: 1)],
          [false, true])
    func softmaxMatchesReference(_ shape: TensorShape, flattenTrailing: Bool) {
        let x = Self.random(shape, seed: 15, in: -6...6)
        for axis in 0..<4 {
            let expected = referenceSoftmax(x, axis: axis, flattenTrailing: flattenTrailing)
            let actual = Self.run(x, into: shape) {
                softmax(input: $0, shape: shape, output: $1, axis: axis, flattenTrailing: flattenTrailing)
            }
            Self.expectClose(actual, expected, "axis \(axis) flatten=\(flattenTrailing)")
        }
    }

    // MARK: Concat

    @Test(arguments: 0..<4)
    func concatenateMatchesReference(_ axis: Int) {
        let base = [2, 3, 4, 5]
        let lengths = [1, 3, 2]
        let inputs = lengths.enumerated().map { i, length -> Tensor in
            var e = base
            e[axis] = length
            return Self.random(TensorShape(n: e[0], c: e[1], h: e[2], w: e[3]), seed: 16 + UInt64(i))
        }
        let expected = referenceConcatenate(inputs, axis: axis)
        let shape = concatenatedShape(inputs.map(\.shape), axis: axis)
        #expect(shape == expected.shape)
        guard let shape else { return }
        var actual = Tensor(shape: shape, filled: .nan)
        // Keep every input's storage alive and pinned while the kernel reads it.
        func withPointers(_ index: Int, _ acc: [(pointer: UnsafePointer<Float>, shape: TensorShape)]) {
            if index == inputs.count {
                actual.withUnsafeMutableBufferPointer { concatenate(acc, axis: axis, into: $0.baseAddress!) }
                return
            }
            inputs[index].withUnsafeBufferPointer { withPointers(index + 1, acc + [($0.baseAddress!, inputs[index].shape)]) }
        }
        withPointers(0, [])
        Self.expectClose(actual, expected, tolerance: 0, "axis \(axis)")
    }

    @Test func concatenatedShapeRejectsMismatch() {
        let a = TensorShape(n: 1, c: 2, h: 3, w: 4), b = TensorShape(n: 1, c: 2, h: 5, w: 4)
        #expect(concatenatedShape([a, b], axis: 1) == nil)
        #expect(concatenatedShape([a, b], axis: 2) == TensorShape(n: 1, c: 2, h: 8, w: 4))
    }

    // MARK: Broadcast arithmetic

    static let broadcastPairs: [(TensorShape, TensorShape)] = [
        (TensorShape(n: 2, c: 3, h: 4, w: 5), TensorShape(n: 2, c: 3, h: 4, w: 5)),
        (TensorShape(n: 2, c: 3, h: 4, w: 5), TensorShape(n: 1, c: 3, h: 1, w: 1)),
        (TensorShape(n: 1, c: 1, h: 1, w: 1), TensorShape(n: 2, c: 3, h: 3, w: 5)),
        (TensorShape(n: 1, c: 3, h: 1, w: 5), TensorShape(n: 2, c: 1, h: 4, w: 1)),
        (TensorShape(n: 2, c: 1, h: 3, w: 1), TensorShape(n: 1, c: 4, h: 1, w: 3)),
        (TensorShape(n: 1, c: 2, h: 3, w: 4), TensorShape(n: 1, c: 2, h: 1, w: 4)),
        (TensorShape(n: 1, c: 2, h: 3, w: 1), TensorShape(n: 1, c: 2, h: 3, w: 7)),
    ]

    @Test(arguments: 0..<broadcastPairs.count, BinaryOperator.allCases)
    func binaryMatchesReference(_ index: Int, op: BinaryOperator) {
        let (sa, sb) = Self.broadcastPairs[index]
        let a = Self.random(sa, seed: 20)
        // Divisors kept away from zero: magnitudes in [0.5, 1.5] with random signs.
        var b = Self.random(sb, seed: 21, in: 0.5...1.5)
        var generator = SeededGenerator(seed: 22)
        b.withUnsafeMutableBufferPointer { p in
            for i in p.indices where Bool.random(using: &generator) { p[i] = -p[i] }
        }
        guard let expected = referenceBinary(op, a, b) else {
            Issue.record("reference says \(sa) and \(sb) do not broadcast")
            return
        }
        #expect(broadcastShape(sa, sb) == expected.shape)
        guard let outShape = broadcastShape(sa, sb) else { return }
        var actual = Tensor(shape: outShape, filled: .nan)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                actual.withUnsafeMutableBufferPointer { binary(op, pa.baseAddress!, sa, pb.baseAddress!, sb, into: $0.baseAddress!) }
            }
        }
        Self.expectClose(actual, expected, "\(op) \(sa) \(sb)")
    }

    @Test func broadcastShapeRejectsIncompatible() {
        let a = TensorShape(n: 1, c: 3, h: 4, w: 5)
        for b in [TensorShape(n: 1, c: 2, h: 4, w: 5), TensorShape(n: 1, c: 3, h: 4, w: 4)] {
            #expect(broadcastShape(a, b) == nil)
            #expect(referenceBinary(.add, Tensor(zeros: a), Tensor(zeros: b)) == nil)
        }
    }

    // MARK: Channel affine / BatchNormalization

    @Test(arguments: [TensorShape(n: 2, c: 3, h: 4, w: 5), TensorShape(n: 1, c: 5, h: 1, w: 1), TensorShape(n: 3, c: 1, h: 3, w: 7)])
    func channelAffineMatchesReference(_ shape: TensorShape) {
        let x = Self.random(shape, seed: 30, in: -3...3)
        var generator = SeededGenerator(seed: 31)
        let scale = (0..<shape.c).map { _ in Float.random(in: -2...2, using: &generator) }
        let shift = (0..<shape.c).map { _ in Float.random(in: -1...1, using: &generator) }
        let actual = Self.run(x, into: shape) { channelAffine(input: $0, shape: shape, output: $1, scale: scale, shift: shift) }
        Self.expectClose(actual, referenceChannelAffine(x, scale: scale, shift: shift), "affine")

        // BatchNormalization folded into scale/shift vs. its definition.
        let gamma = (0..<shape.c).map { _ in Float.random(in: 0.5...2, using: &generator) }
        let beta = (0..<shape.c).map { _ in Float.random(in: -1...1, using: &generator) }
        let mean = (0..<shape.c).map { _ in Float.random(in: -1...1, using: &generator) }
        let variance = (0..<shape.c).map { _ in Float.random(in: 0.1...3, using: &generator) }
        let epsilon: Float = 1e-5
        let (bnScale, bnShift) = batchNormAffine(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
        let folded = Self.run(x, into: shape) { channelAffine(input: $0, shape: shape, output: $1, scale: bnScale, shift: bnShift) }
        let expected = referenceBatchNorm(x, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
        // Folding re-associates (x - mean) * k into x * k - mean * k: allow a few ulps of the terms.
        Self.expectClose(folded, expected, tolerance: 1e-5 * 8, "batch norm")
    }
}
