/// Naive triple-loop GEMM, the ground truth that `gemm` is tested against:
/// `C = alpha * op(A) * op(B) + beta * C`.
///
/// Accumulates in Double so its own rounding error is negligible next to the fast kernel's.
/// As in BLAS, when `beta == 0` the old contents of C are not read (NaNs there do not propagate).
public func referenceGEMM(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix,
    transposeA: Transpose = .none, transposeB: Transpose = .none,
    alpha: Float = 1, beta: Float = 0
) {
    let dims = GEMMDimensions(a, transposeA, b, transposeB, c)
    func opA(_ i: Int, _ p: Int) -> Float { transposeA == .none ? a[i, p] : a[p, i] }
    func opB(_ p: Int, _ j: Int) -> Float { transposeB == .none ? b[p, j] : b[j, p] }

    for i in 0..<dims.m {
        for j in 0..<dims.n {
            var sum = 0.0
            for p in 0..<dims.k { sum += Double(opA(i, p)) * Double(opB(p, j)) }
            let scaled = Double(alpha) * sum
            c[i, j] = Float(beta == 0 ? scaled : scaled + Double(beta) * Double(c[i, j]))
        }
    }
}
