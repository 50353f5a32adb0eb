import Kernels
import KernelsAVX512
import TestSupport
import Testing

/// The AVX-512 Winograd GEMM (run only on CPUs with AVX-512F, as the engine does) against the
/// Double-precision reference: partial row blocks, partial column strips, strided B and C.
@Suite(.enabled(if: CPUFeatures.avx512, "the AVX-512 GEMM is not in use here (no AVX-512F, or PIPELINE_GEMM=openblas)"))
struct PackedGEMMTests {
    @Test(arguments: [(13, 45, 7), (8, 32, 64), (40, 100, 33), (3, 16, 5), (16, 17, 1), (64, 96, 128)])
    func matchesReference(_ size: (rows: Int, n: Int, depth: Int)) {
        var generator = SeededGenerator(seed: UInt64(size.rows * 1000 + size.n))
        func random(_ rows: Int, _ columns: Int) -> Matrix {
            Matrix(rows: rows, columns: columns, storage: (0..<rows * columns).map { _ in Float.random(in: -1...1, using: &generator) })
        }
        let a = random(size.rows, size.depth), b = random(size.depth, size.n)
        var expected = Matrix(rows: size.rows, columns: size.n)
        referenceGEMM(a, b, into: &expected)

        // B and C with leading dimensions wider than n (B readable up to the next multiple of 32).
        let ldb = (size.n + 31) / 32 * 32 + 3, ldc = size.n + 5
        var strided = [Float](repeating: .nan, count: size.depth * ldb + 32)
        for k in 0..<size.depth { for j in 0..<size.n { strided[k * ldb + j] = b[k, j] } }
        var packed = [Float](repeating: 0, count: packedFloats(rows: size.rows, depth: size.depth))
        var c = [Float](repeating: -7, count: size.rows * ldc)
        a.storage.withUnsafeBufferPointer { a in
            packed.withUnsafeMutableBufferPointer {
                packRowBlocks(a.baseAddress!, rows: size.rows, depth: size.depth, lda: size.depth, into: $0.baseAddress!)
            }
        }
        packedGEMM512(rows: size.rows, n: size.n, depth: size.depth, packedA: packed, b: strided, ldb: ldb, c: &c, ldc: ldc)

        var worst: Float = 0
        for i in 0..<size.rows {
            for j in 0..<size.n { worst = max(worst, abs(c[i * ldc + j] - expected[i, j])) }
            for j in size.n..<ldc { #expect(c[i * ldc + j] == -7, "column \(j) past n was written") }
        }
        #expect(worst <= 1e-5 * Float(size.depth), "max abs diff \(worst)")
    }
}
