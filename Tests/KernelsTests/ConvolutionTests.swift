import TestSupport
import Kernels
import Testing

/// Fast convolution kernels against the direct-loop references (Double accumulation).
/// Tolerance: 1e-4 relative to the summed magnitudes (Winograd's transforms add rounding).
@Suite struct ConvolutionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: TensorShape
        let cout: Int
        let geometry: ConvGeometry
        let algorithm: Convolution.Algorithm
        let activation: Activation?
        var testDescription: String { "\(algorithm) \(input) -> \(cout) \(geometry) \(activation.map { "\($0)" } ?? "")" }
    }

    static let cases: [Case] = [
        Case(input: TensorShape(n: 2, c: 3, h: 9, w: 11), cout: 5, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), algorithm: .winograd, activation: .relu),
        Case(input: TensorShape(n: 1, c: 4, h: 13, w: 6), cout: 3, geometry: ConvGeometry(kernelH: 3, kernelW: 3), algorithm: .winograd, activation: nil),
        Case(input: TensorShape(n: 1, c: 2, h: 7, w: 7), cout: 2, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 2, padLeft: 0, padBottom: 1, padRight: 2), algorithm: .winograd, activation: .sigmoid),
        Case(input: TensorShape(n: 2, c: 3, h: 9, w: 11), cout: 5, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), algorithm: .gemm, activation: .leakyRelu(alpha: 0.1)),
        Case(input: TensorShape(n: 1, c: 4, h: 10, w: 9), cout: 6, geometry: ConvGeometry(kernelH: 3, kernelW: 2, strideH: 2, strideW: 3, dilationH: 2, padTop: 1, padLeft: 2, padBottom: 0, padRight: 1), algorithm: .gemm, activation: nil),
        Case(input: TensorShape(n: 2, c: 6, h: 5, w: 4), cout: 4, geometry: ConvGeometry(kernelH: 1, kernelW: 1), algorithm: .gemm, activation: .clip(min: 0, max: 0.5)),
        Case(input: TensorShape(n: 1, c: 4, h: 6, w: 6), cout: 6, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 2), algorithm: .gemm, activation: .tanh),
        Case(input: TensorShape(n: 2, c: 3, h: 7, w: 8), cout: 6, geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 2, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 3), algorithm: .depthwise, activation: .relu),
    ]

    static func random(_ shape: TensorShape, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.count).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    @Test(arguments: cases, [1, 2])
    func matchesReference(_ c: Case, threads: Int) {
        let x = Self.random(c.input, seed: 1)
        let w = Self.random(TensorShape(n: c.cout, c: c.input.c / c.geometry.groups, h: c.geometry.kernelH, w: c.geometry.kernelW), seed: 2)
        let bias = (0..<c.cout).map { Float($0) * 0.1 - 0.2 }
        let expected = referenceConv2D(x, weights: w, bias: bias, geometry: c.geometry, activation: c.activation)
        let conv = Convolution(weights: w, bias: bias, geometry: c.geometry, activation: c.activation, algorithm: c.algorithm)
        let actual = conv(x, threads: threads)
        #expect(actual.shape == expected.shape)
        let taps = Float(w.shape.c * w.shape.h * w.shape.w)
        for i in expected.storage.indices {
            #expect(abs(actual.storage[i] - expected.storage[i]) <= 1e-4 * taps, "element \(i)")
        }
    }

    struct TransposedCase: Sendable, CustomTestStringConvertible {
        let input: TensorShape
        let cout: Int
        let geometry: ConvGeometry
        var outputPadding = (h: 0, w: 0)
        var activation: Activation? = .relu
        var testDescription: String {
            "\(input) -> \(cout) \(geometry) outputPadding=\(outputPadding) \(activation.map { "\($0)" } ?? "")"
        }
    }

    static let transposedCases: [TransposedCase] = [
        TransposedCase(input: TensorShape(n: 2, c: 4, h: 5, w: 6), cout: 3, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2)),
        TransposedCase(input: TensorShape(n: 1, c: 4, h: 4, w: 3), cout: 4, geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 2), outputPadding: (1, 1)),
        TransposedCase(input: TensorShape(n: 1, c: 2, h: 3, w: 3), cout: 2, geometry: ConvGeometry(kernelH: 3, kernelW: 2, dilationH: 2, padTop: 0, padLeft: 1, padBottom: 1, padRight: 0)),
        // Stride == kernel: footprints tile the output (runTiled). Odd heights split unevenly over
        // 2 threads; output_padding rows/columns hold activation(bias).
        TransposedCase(input: TensorShape(n: 1, c: 3, h: 5, w: 7), cout: 4, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2), activation: nil),
        TransposedCase(input: TensorShape(n: 2, c: 4, h: 4, w: 6), cout: 3, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2), outputPadding: (1, 1)),
        TransposedCase(input: TensorShape(n: 1, c: 3, h: 3, w: 5), cout: 2, geometry: ConvGeometry(kernelH: 3, kernelW: 3, strideH: 3, strideW: 3), outputPadding: (2, 1), activation: .sigmoid),
        TransposedCase(input: TensorShape(n: 1, c: 4, h: 3, w: 4), cout: 6, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, groups: 2)),
        // 64 x 4 taps x 64 columns per input row: the columns block holds 8 rows, so 10 rows take two GEMMs.
        TransposedCase(input: TensorShape(n: 1, c: 2, h: 10, w: 64), cout: 64, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2)),
    ]

    @Test(arguments: transposedCases, [1, 2])
    func transposedMatchesReference(_ c: TransposedCase, threads: Int) {
        let x = Self.random(c.input, seed: 3)
        let w = Self.random(TensorShape(n: c.input.c, c: c.cout / c.geometry.groups, h: c.geometry.kernelH, w: c.geometry.kernelW), seed: 4)
        let bias = (0..<c.cout).map { Float($0) * 0.05 - 0.1 }
        let expected = referenceConvTranspose2D(x, weights: w, bias: bias, geometry: c.geometry, outputPadding: c.outputPadding,
                                                activation: c.activation)
        let conv = TransposedConvolution(weights: w, bias: bias, geometry: c.geometry, outputPadding: c.outputPadding,
                                         activation: c.activation)
        // Into NaNs rather than callAsFunction's zeros: the stride == kernel path writes every
        // output element instead of accumulating, so a skipped one must show.
        var actual = Tensor(shape: conv.outputShape(for: c.input), filled: .nan)
        let workspace = Workspace()
        workspace.reserve(floatsPerWorker: conv.workspaceFloats(for: c.input), workers: threads)
        x.withUnsafeBufferPointer { source in
            actual.withUnsafeMutableBufferPointer { target in
                conv.run(input: source.baseAddress!, shape: c.input, output: target.baseAddress!, workspace: workspace, threads: threads)
            }
        }
        #expect(actual.shape == expected.shape)
        guard actual.shape == expected.shape else { return }
        // One issue per case, not per element: a broken scatter would otherwise report thousands.
        let wrong = expected.storage.indices.filter { !(abs(actual.storage[$0] - expected.storage[$0]) <= 1e-5 * 16) }
        #expect(wrong.isEmpty, "\(wrong.count) elements differ, first \(wrong.prefix(3).map { "\($0): \(actual.storage[$0]) vs \(expected.storage[$0])" })")
    }
}
