import Kernels
import TestSupport
import Testing

/// The Winograd weight gradient against a direct sum in Double, dW[co, ci, ky, kx] =
/// Σ_n,y,x dY[n, co, y, x] · X[n, ci, y + ky - 1, x + kx - 1], on shapes that reach whole groups of
/// 8 tiles, partial tiles at the right and bottom edges, groups straddling images, one block and
/// many small blocks shared among workers.
@Suite struct WinogradWeightGradientTests {
    static let cases: [(shape: TensorShape, cout: Int, blockFloats: Int)] = [
        (TensorShape(n: 2, c: 3, h: 16, w: 32), 4, WinogradWeightGradient.blockFloats),  // whole tiles, one block
        (TensorShape(n: 3, c: 5, h: 13, w: 22), 7, WinogradWeightGradient.blockFloats),  // partial tiles, groups across images
        (TensorShape(n: 2, c: 4, h: 20, w: 36), 6, 36 * 10 * 32),                         // many blocks of 32 tiles
        (TensorShape(n: 1, c: 2, h: 5, w: 6), 3, WinogradWeightGradient.blockFloats),    // fewer than 8 tiles
    ]

    @Test(arguments: 0..<cases.count, [1, 2])
    func matchesDirectSum(_ index: Int, threads: Int) {
        let (shape, cout, blockFloats) = Self.cases[index]
        let (h, w, cin) = (shape.h, shape.w, shape.c)
        var generator = SeededGenerator(seed: UInt64(40 + index))
        let x = (0..<shape.count).map { _ in Float.random(in: -1...1, using: &generator) }
        let dy = (0..<(shape.n * cout * h * w)).map { _ in Float.random(in: -1...1, using: &generator) }
        var expected = [Double](repeating: 0, count: cout * cin * 9)
        for n in 0..<shape.n {
            for co in 0..<cout {
                for ci in 0..<cin {
                    for tap in 0..<9 {
                        let (ky, kx) = (tap / 3 - 1, tap % 3 - 1)
                        var sum = 0.0
                        for y in 0..<h where y + ky >= 0 && y + ky < h {
                            for xx in 0..<w where xx + kx >= 0 && xx + kx < w {
                                sum += Double(dy[((n * cout + co) * h + y) * w + xx]) * Double(x[((n * cin + ci) * h + y + ky) * w + xx + kx])
                            }
                        }
                        expected[(co * cin + ci) * 9 + tap] += sum
                    }
                }
            }
        }
        let workspace = Workspace()
        workspace.reserve(floatsPerWorker: WinogradWeightGradient.workspaceFloats(input: shape, outputChannels: cout, blockFloats: blockFloats),
                          workers: threads)
        // Starts from ones: the gradient is added.
        var actual = [Float](repeating: 1, count: cout * cin * 9)
        x.withUnsafeBufferPointer { x in
            dy.withUnsafeBufferPointer { dy in
                actual.withUnsafeMutableBufferPointer { dw in
                    WinogradWeightGradient.accumulate(input: x.baseAddress!, shape: shape, outputGradient: dy.baseAddress!, outputChannels: cout,
                                                      into: dw.baseAddress!, workspace: workspace, threads: threads, blockFloats: blockFloats)
                }
            }
        }
        let scale = expected.map { abs($0) }.max() ?? 1
        let worst = zip(actual, expected).map { abs(Double($0) - 1 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "max abs diff \(worst) at scale \(scale)")
    }
}
