import COpenBLAS

/// OpenBLAS's worker-thread pool, process-wide.
///
/// Set it once at start-up: when several engine workers each run GEMM on their own thread,
/// one BLAS thread per worker avoids oversubscribing the cores; a single worker can use them all.
public enum BLASThreads {
    /// The number of threads OpenBLAS uses for one call.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses; do not call while other threads are in BLAS.
    public static func set(_ count: Int) {
        precondition(count >= 1 && count <= Int(Int32.max), "thread count must be >= 1")
        openblas_set_num_threads(Int32(count))
    }
}
