/// How an `Engine` compiles and runs a graph.
public struct EngineOptions: Sendable {
    /// Worker threads for the kernels' own parallel loops (OpenBLAS is then kept single-threaded).
    public var threads: Int
    /// Run the graph passes (drop Identity/Dropout, fold BatchNorm, fuse activations).
    public var optimize: Bool
    /// Use Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions (im2col + GEMM otherwise).
    public var winograd: Bool

    public init(threads: Int = 1, optimize: Bool = true, winograd: Bool = true) {
        precondition(threads >= 1, "threads must be >= 1")
        (self.threads, self.optimize, self.winograd) = (threads, optimize, winograd)
    }
}
