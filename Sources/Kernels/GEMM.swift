import COpenBLAS

/// Fast GEMM through OpenBLAS: `C = alpha * op(A) * op(B) + beta * C`, same contract as
/// `referenceGEMM`.
public func gemm(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix,
    transposeA: Transpose = .none, transposeB: Transpose = .none,
    alpha: Float = 1, beta: Float = 0
) {
    let dims = GEMMDimensions(a, transposeA, b, transposeB, c)
    guard dims.m > 0, dims.n > 0 else { return }
    precondition(
        [dims.m, dims.n, dims.k].allSatisfy { $0 <= Int(Int32.max) }, "dimension exceeds BLAS int range")
    // Leading dimension = stored row length. BLAS requires it to be >= 1 even when a matrix has
    // no columns (K == 0), in which case it is never read.
    let lda = Int32(max(1, a.columns))
    let ldb = Int32(max(1, b.columns))
    let ldc = Int32(max(1, c.columns))

    a.storage.withUnsafeBufferPointer { aBuffer in
        b.storage.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                // C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C[M x N], row-major
                cblas_sgemm(
                    CblasRowMajor, transposeA.cblas, transposeB.cblas,
                    Int32(dims.m), Int32(dims.n), Int32(dims.k),
                    alpha, aBuffer.baseAddress, lda,
                    bBuffer.baseAddress, ldb,
                    beta, cBuffer.baseAddress, ldc)
            }
        }
    }
}

extension Transpose {
    var cblas: CBLAS_TRANSPOSE {
        switch self {
        case .none: CblasNoTrans
        case .transposed: CblasTrans
        }
    }
}
