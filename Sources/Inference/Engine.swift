import Dispatch
import Kernels

/// Per-node state prepared once per engine: convolution weights laid out for their algorithm,
/// BatchNorm as scale and shift.
enum PreparedKernel {
    case convolution(Convolution)
    case transposed(TransposedConvolution)
    case affine(scale: [Float], shift: [Float])
    case none
}

/// Runs a graph: optimizes it once, prepares the kernels once, and compiles one
/// `ExecutionPlan` (buffers, workspace) per input shape, reused by later runs of that shape.
///
/// Not thread-safe: one `run` at a time per engine. Running sets OpenBLAS to one thread, since
/// the kernels parallelize over `options.threads` workers themselves.
public final class Engine {
    public let graph: Graph
    public let options: EngineOptions
    private let kernels: [PreparedKernel]
    /// Constants copied to stable addresses for the lifetime of the engine.
    private let constantPointers: [ValueID: UnsafeMutablePointer<Float>]
    private var plans: [TensorShape: ExecutionPlan] = [:]
    /// When true, `run` adds each node's wall time to `nodeSeconds` (for `pipeline bench --profile`).
    public var profiling = false
    /// Seconds spent in each node of `graph` over all profiled runs, indexed like `graph.nodes`.
    public private(set) var nodeSeconds: [Double] = []

    public init(graph: Graph, options: EngineOptions = EngineOptions()) {
        var graph = graph
        if options.optimize {
            graph.optimize()
            if options.winograd { graph.fuseConcatIntoConvolutions() }
        }
        self.graph = graph
        self.options = options
        kernels = graph.nodes.map { node in
            switch node.op {
            case .conv(let conv):
                let algorithm: Convolution.Algorithm? = options.winograd ? nil
                    : (Convolution.supports(.depthwise, conv.geometry, inputChannelsPerGroup: conv.weights.shape.c)
                       && conv.geometry.groups > 1 ? .depthwise : .gemm)
                return .convolution(Convolution(weights: conv.weights, bias: conv.bias, geometry: conv.geometry,
                                                activation: conv.activation, algorithm: algorithm))
            case .convTranspose(let conv):
                return .transposed(TransposedConvolution(weights: conv.weights, bias: conv.bias, geometry: conv.geometry,
                                                         outputPadding: conv.outputPadding, activation: conv.activation))
            case .batchNorm(let bn):
                let (scale, shift) = bn.affine
                return .affine(scale: scale, shift: shift)
            default: return .none
            }
        }
        constantPointers = graph.constants.mapValues { tensor in
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(tensor.shape.count, 1))
            tensor.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: $0.count) }
            return pointer
        }
    }

    deinit { for pointer in constantPointers.values { pointer.deallocate() } }

    /// The plan for inputs of `shape`, compiled on first use.
    func plan(for shape: TensorShape) throws -> ExecutionPlan {
        if let plan = plans[shape] { return plan }
        let plan = try ExecutionPlan(graph: graph, kernels: kernels, inputShape: shape, threads: options.threads)
        plans[shape] = plan
        return plan
    }

    /// Shape of every value (input, constants, node outputs) for an input of `shape`.
    public func valueShapes(for shape: TensorShape) throws -> [ValueID: TensorShape] {
        try plan(for: shape).shapes
    }

    /// Shapes of the outputs for an input of `shape`.
    public func outputShapes(for shape: TensorShape) throws -> [TensorShape] {
        let plan = try plan(for: shape)
        return graph.outputs.map { plan.shapes[$0.value]! }
    }

    /// Runs the graph on `input` (N x C x H x W); returns the outputs in model order.
    public func run(_ input: Tensor) throws -> [Tensor] {
        let plan = try plan(for: input.shape)
        if BLASThreads.count != 1 { BLASThreads.set(1) }
        return input.withUnsafeBufferPointer { inputBuffer in
            let inputPointer = inputBuffer.baseAddress!
            func pointer(_ id: ValueID) -> UnsafePointer<Float> {
                if id == graph.input { return inputPointer }
                if let constant = constantPointers[id] { return UnsafePointer(constant) }
                return UnsafePointer(plan.slots[plan.slotOf[id]!])
            }
            if profiling && nodeSeconds.count != graph.nodes.count { nodeSeconds = Array(repeating: 0, count: graph.nodes.count) }
            for (index, (node, kernel)) in zip(graph.nodes, kernels).enumerated() {
                let inputs = node.inputs.map { (pointer($0), plan.shapes[$0]!) }
                let output = plan.slots[plan.slotOf[node.output]!]
                let start = profiling ? DispatchTime.now().uptimeNanoseconds : 0
                execute(node, kernel, inputs: inputs, output: output, outputShape: plan.shapes[node.output]!, plan: plan)
                if profiling { nodeSeconds[index] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            }
            return graph.outputs.map { output in
                let shape = plan.shapes[output.value]!
                return Tensor(shape: shape, storage: Array(UnsafeBufferPointer(start: pointer(output.value), count: shape.count)))
            }
        }
    }

    /// Runs a single-output graph.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try run(input)[0]
    }

    private func execute(_ node: Node, _ kernel: PreparedKernel, inputs: [(UnsafePointer<Float>, TensorShape)],
                         output: UnsafeMutablePointer<Float>, outputShape: TensorShape, plan: ExecutionPlan) {
        let (x, shape) = inputs[0], threads = options.threads
        switch node.op {
        case .conv:
            guard case .convolution(let conv) = kernel else { preconditionFailure("conv without kernel") }
            if inputs.count > 1 {
                conv.run(sources: inputs.map { (pointer: $0.0, shape: $0.1) }, output: output, workspace: plan.workspace, threads: threads)
            } else {
                conv.run(input: x, shape: shape, output: output, workspace: plan.workspace, threads: threads)
            }
        case .convTranspose:
            guard case .transposed(let conv) = kernel else { preconditionFailure("convTranspose without kernel") }
            conv.run(input: x, shape: shape, output: output, workspace: plan.workspace, threads: threads)
        case .batchNorm:
            guard case .affine(let scale, let shift) = kernel else { preconditionFailure("batchNorm without kernel") }
            channelAffine(input: x, shape: shape, output: output, scale: scale, shift: shift)
        case .activation(let activation):
            output.update(from: x, count: shape.count)
            activation.apply(to: output, count: shape.count)
        case .softmax(let axis, let flatten):
            softmax(input: x, shape: shape, output: output, axis: axis, flattenTrailing: flatten)
        case .pool(let kind, let window):
            pool(kind, window, input: x, shape: shape, output: output, threads: threads)
        case .globalAveragePool:
            globalAveragePool(input: x, shape: shape, output: output)
        case .resize(let resize):
            let target = resize.output(h: shape.h, w: shape.w)
            Kernels.resize(input: x, shape: shape, output: output, outH: target.h, outW: target.w,
                           scaleH: target.scaleH, scaleW: target.scaleW, mode: resize.mode,
                           transform: resize.transform, threads: threads)
        case .concat(let axis):
            concatenate(inputs.map { (pointer: $0.0, shape: $0.1) }, axis: axis, into: output, threads: threads)
        case .binary(let op):
            binary(op, inputs[0].0, inputs[0].1, inputs[1].0, inputs[1].1, into: output)
        case .pad(let begin, let end, let mode):
            pad(input: x, shape: shape, output: output, begin: begin, end: end, mode: mode)
        case .identity, .dropout:
            output.update(from: x, count: shape.count)
        }
    }
}
