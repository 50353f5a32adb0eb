import COpenBLAS

/// Pointer-level single-precision GEMM for modules that keep their own buffers (the training
/// layers): `C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C`, all row-major, leading
/// dimensions = stored row lengths. OpenBLAS threading is process-wide (`BLASThreads`).
public func blasSGEMM(transposeA: Transpose = .none, transposeB: Transpose = .none, m: Int, n: Int, k: Int,
                      alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    precondition([m, n, k, lda, ldb, ldc].allSatisfy { $0 <= Int(Int32.max) }, "dimension exceeds BLAS int range")
    cblas_sgemm(CblasRowMajor, transposeA.cblas, transposeB.cblas, Int32(m), Int32(n), Int32(k),
                alpha, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), beta, c, Int32(max(1, ldc)))
}
