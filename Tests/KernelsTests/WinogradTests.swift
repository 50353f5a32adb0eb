import TestSupport
import Kernels
import Testing

/// Winograd F(4x4, 3x3) on shapes that reach each transform path: row groups of 8 tiles
/// (output widths that are multiples of 32), windows reaching past the image borders, groups
/// straddling two tile rows, partial last tile rows and columns; against the direct reference.
@Suite struct WinogradTests {
    static let cases: [(input: TensorShape, cout: Int, pads: (Int, Int, Int, Int), activation: Activation?)] = [
        (TensorShape(n: 2, c: 3, h: 9, w: 32), 5, (1, 1, 1, 1), .relu),          // row groups, border windows at both ends
        (TensorShape(n: 1, c: 2, h: 12, w: 70), 3, (1, 1, 1, 1), nil),           // 18 tiles a row: some groups straddle rows
        (TensorShape(n: 1, c: 4, h: 8, w: 66), 2, (0, 0, 0, 0), .sigmoid),       // no padding, border windows at the right edge only
        (TensorShape(n: 2, c: 3, h: 7, w: 64), 4, (2, 0, 1, 2), .leakyRelu(alpha: 0.2)),  // asymmetric padding
        (TensorShape(n: 1, c: 5, h: 6, w: 104), 6, (1, 1, 1, 1), nil),          // 26 tiles a row, direct interior groups
    ]

    @Test(arguments: 0..<cases.count, [1, 2])
    func matchesReference(_ index: Int, threads: Int) {
        let c = Self.cases[index]
        let geometry = ConvGeometry(kernelH: 3, kernelW: 3, padTop: c.pads.0, padLeft: c.pads.1, padBottom: c.pads.2, padRight: c.pads.3)
        var generator = SeededGenerator(seed: UInt64(10 + index))
        let x = Tensor(shape: c.input, storage: (0..<c.input.count).map { _ in Float.random(in: -1...1, using: &generator) })
        let wShape = TensorShape(n: c.cout, c: c.input.c, h: 3, w: 3)
        let w = Tensor(shape: wShape, storage: (0..<wShape.count).map { _ in Float.random(in: -1...1, using: &generator) })
        let bias = (0..<c.cout).map { Float($0) * 0.1 - 0.2 }
        let expected = referenceConv2D(x, weights: w, bias: bias, geometry: geometry, activation: c.activation)
        let actual = Convolution(weights: w, bias: bias, geometry: geometry, activation: c.activation, algorithm: .winograd)(x, threads: threads)
        #expect(actual.shape == expected.shape)
        let tolerance = 1e-4 * Float(c.input.c * 9)
        let worst = zip(actual.storage, expected.storage).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance, "max abs diff \(worst)")
    }
}
