import TestSupport
import Kernels
import Testing

/// One GEMM problem: C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C.
struct GEMMCase: CustomTestStringConvertible, Sendable {
    let m: Int, n: Int, k: Int
    let transposeA: Transpose, transposeB: Transpose
    let alpha: Float, beta: Float

    init(_ m: Int, _ n: Int, _ k: Int, _ transposeA: Transpose = .none, _ transposeB: Transpose = .none,
         alpha: Float = 1, beta: Float = 0) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.transposeA, self.transposeB) = (transposeA, transposeB)
        (self.alpha, self.beta) = (alpha, beta)
    }

    var testDescription: String { "\(m)x\(n)x\(k) \(transposeA)/\(transposeB) alpha=\(alpha) beta=\(beta)" }
}

// Serialized: BLASThreads.set must not run while another test is inside OpenBLAS.
@Suite(.serialized) struct GEMMTests {
    static let cases: [GEMMCase] = [
        GEMMCase(1, 1, 1),
        GEMMCase(1, 1, 1, alpha: -2, beta: 0.5),
        GEMMCase(3, 5, 7),
        GEMMCase(17, 4, 9, .transposed, .none),
        GEMMCase(4, 17, 9, .none, .transposed),
        GEMMCase(6, 11, 5, .transposed, .transposed, alpha: 0.75, beta: -1.25),
        GEMMCase(33, 31, 64, alpha: 1, beta: 1),
        GEMMCase(1, 40, 25, .transposed, .none, beta: 2),
        GEMMCase(5, 3, 0, beta: 0.5),  // K == 0: C = beta * C
    ]

    @Test(arguments: cases)
    func matchesReference(_ problem: GEMMCase) {
        var random = SeededGenerator(seed: UInt64(problem.m * 10_000 + problem.n * 100 + problem.k))
        func randomMatrix(_ rows: Int, _ columns: Int) -> Matrix {
            Matrix(rows: rows, columns: columns,
                   storage: (0..<rows * columns).map { _ in Float.random(in: -1...1, using: &random) })
        }
        let a = problem.transposeA == .none ? randomMatrix(problem.m, problem.k) : randomMatrix(problem.k, problem.m)
        let b = problem.transposeB == .none ? randomMatrix(problem.k, problem.n) : randomMatrix(problem.n, problem.k)
        let initialC = randomMatrix(problem.m, problem.n)

        var expected = initialC
        referenceGEMM(a, b, into: &expected, transposeA: problem.transposeA, transposeB: problem.transposeB,
                      alpha: problem.alpha, beta: problem.beta)
        var actual = initialC
        gemm(a, b, into: &actual, transposeA: problem.transposeA, transposeB: problem.transposeB,
             alpha: problem.alpha, beta: problem.beta)

        // Relative tolerance 1e-5 * K against the size of the terms summed (not of the result,
        // which can cancel to near zero): |alpha| * sum|a||b| + |beta| * |c|.
        for i in 0..<problem.m {
            for j in 0..<problem.n {
                var magnitude = Float(abs(problem.beta) * abs(initialC[i, j]))
                for p in 0..<problem.k {
                    let aValue = problem.transposeA == .none ? a[i, p] : a[p, i]
                    let bValue = problem.transposeB == .none ? b[p, j] : b[j, p]
                    magnitude += abs(problem.alpha) * abs(aValue * bValue)
                }
                let tolerance = 1e-5 * Float(max(problem.k, 1)) * magnitude
                #expect(abs(actual[i, j] - expected[i, j]) <= tolerance,
                        "C[\(i), \(j)]: gemm \(actual[i, j]) vs reference \(expected[i, j])")
            }
        }
    }

    @Test func betaZeroIgnoresNaNInC() {
        let a = Matrix(rows: 2, columns: 2, storage: [1, 2, 3, 4])
        let identity = Matrix(rows: 2, columns: 2, storage: [1, 0, 0, 1])
        var fast = Matrix(rows: 2, columns: 2, filled: .nan)
        var reference = fast
        gemm(a, identity, into: &fast)
        referenceGEMM(a, identity, into: &reference)
        #expect(fast == a)
        #expect(reference == a)
    }

    @Test func threadCountCanBeSet() {
        let original = BLASThreads.count
        defer { BLASThreads.set(original) }
        BLASThreads.set(1)
        #expect(BLASThreads.count == 1)
    }
}
