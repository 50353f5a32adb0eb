import COpenBLAS

/// Pointer-level single-precision GEMM for the convolution kernels:
/// `C[M x N] = A[M x K] * B[K x N] + beta * C`, all row-major with leading dimensions given.
/// OpenBLAS should run single-threaded when called from `parallelFor` workers (see `Engine`).
@inline(__always)
func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `C[M x N] = A^T * B` where A is stored K x M: used by transposed convolution, whose weights
/// are Cin x (Cout * kH * kW).
@inline(__always)
func sgemmTransposedA(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
}
