import Foundation
@testable import Kernels
import Testing

/// The vectorized sigmoid and tanh (used on whole planes and in fused epilogues) against libm in Double.
@Suite struct VectorMathTests {
    static let inputs: [Float] = [-1000, -100, -88.5, -87, -30, -10, -3.3, -1, -0.25, -1e-3, -1e-6, 0, 1e-7, 2e-4, 0.01, 0.5, 1, 2.5, 7, 15, 40, 87.9, 88.5, 100, 1000]
        + (0..<200).map { Float($0) * 0.137 - 13.7 }

    @Test func sigmoidMatchesDoublePrecision() {
        for x in Self.inputs {
            let expected = 1 / (1 + Foundation.exp(-Double(x)))
            let actual = Activation.sigmoid.apply(x)
            #expect(abs(Double(actual) - expected) <= 2e-7 * max(1, expected) + 1e-30, "sigmoid(\(x)) = \(actual), expected \(expected)")
        }
    }

    @Test func tanhMatchesDoublePrecision() {
        for x in Self.inputs {
            let expected = Foundation.tanh(Double(x))
            let actual = Activation.tanh.apply(x)
            #expect(abs(Double(actual) - expected) <= 4e-7, "tanh(\(x)) = \(actual), expected \(expected)")
        }
    }

    @Test func planeAndScalarPathsAgree() {
        // Whole planes go 8 at a time with a scalar tail; both must give the same values.
        var values = Self.inputs
        let count = values.count
        values.withUnsafeMutableBufferPointer { Activation.sigmoid.apply(to: $0.baseAddress!, count: count) }
        for (x, y) in zip(Self.inputs, values) { #expect(y == Activation.sigmoid.apply(x)) }
    }
}
