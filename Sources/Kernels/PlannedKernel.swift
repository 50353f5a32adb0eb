/// A kernel that runs into caller-owned output with a caller-owned workspace, so an execution
/// plan can allocate both once per tile size (convolution, transposed convolution).
public protocol PlannedKernel {
    func outputShape(for input: TensorShape) -> TensorShape
    func workspaceFloats(for input: TensorShape) -> Int
    func run(input: UnsafePointer<Float>, shape: TensorShape, output: UnsafeMutablePointer<Float>,
             workspace: Workspace, threads: Int)
}

extension PlannedKernel {
    /// Convenience for tests and one-off calls: allocates the output and a workspace.
    public func callAsFunction(_ input: Tensor, threads: Int = 1) -> Tensor {
        var output = Tensor(zeros: outputShape(for: input.shape))
        let workspace = Workspace()
        workspace.reserve(floatsPerWorker: workspaceFloats(for: input.shape), workers: threads)
        input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                run(input: inBuffer.baseAddress!, shape: input.shape, output: outBuffer.baseAddress!,
                    workspace: workspace, threads: threads)
            }
        }
        return output
    }
}
