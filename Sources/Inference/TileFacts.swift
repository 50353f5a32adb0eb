import Kernels

// What a model implies for tiling: the tile sizes it accepts, the memory a tile takes, its size.

extension Graph {
    /// Values stored in the model: convolution and BatchNorm parameters (BatchNorm's running mean
    /// and variance included, as ONNX initializers count them) and constants.
    public var parameterCount: Int {
        let inOps = nodes.reduce(0) { total, node in
            switch node.op {
            case .conv(let conv): total + conv.weights.shape.count + conv.bias.count
            case .convTranspose(let conv): total + conv.weights.shape.count + conv.bias.count
            case .batchNorm(let bn): total + 4 * bn.gamma.count
            default: total
            }
        }
        return constants.values.reduce(inOps) { $0 + $1.shape.count }
    }

    /// The input channel count to try shapes with: declared, from the metadata, or the first
    /// convolution's.
    public var probeChannels: Int {
        if let channels = expectedBandCount { return channels }
        for node in nodes where node.inputs.contains(input) {
            if case .conv(let conv) = node.op { return conv.weights.shape.c * conv.geometry.groups }
        }
        return 1
    }

    /// Whether a square `size`-pixel tile goes through the graph and comes out the same size.
    public func acceptsTile(_ size: Int) -> Bool {
        guard let shapes = try? inferShapes(input: TensorShape(n: 1, c: probeChannels, h: size, w: size)) else { return false }
        return outputs.allSatisfy { shapes[$0.value]!.h == size && shapes[$0.value]!.w == size }
    }

    /// The smallest power of two (up to 256) whose multiples the model takes as tiles, giving
    /// outputs of the same size: 2^depth for a U-Net of that depth, 1 for a plain stack of
    /// convolutions. Checked by shape inference on two odd multiples of at least 64 px (an even
    /// multiple could pass for a smaller power than the model needs). Nil when none works.
    public var tileAlignment: Int? {
        var alignment = 1
        while alignment <= 256 {
            var multiple = max(3, (64 + alignment - 1) / alignment)
            if multiple.isMultiple(of: 2) { multiple += 1 }
            if acceptsTile(alignment * multiple) && acceptsTile(alignment * (multiple + 2)) { return alignment }
            alignment *= 2
        }
        return nil
    }
}

/// The memory the engine plans for one run of a model, without allocating it: the activations
/// arena of the optimized graph (as `Engine` builds it) plus the input and output tensors.
/// Kernel scratch (a Winograd block per thread) is small and left out.
public struct TileMemoryEstimate {
    private let graph: Graph

    public init(graph: Graph, options: EngineOptions = EngineOptions()) {
        var graph = graph
        if options.optimize {
            graph.optimize()
            if options.winograd { graph.fuseConcatIntoConvolutions() }
        }
        self.graph = graph
    }

    /// Bytes for `batch` square tiles of `size` pixels (batch 8 for D4 test-time augmentation).
    public func bytes(tile size: Int, batch: Int = 1) throws -> Int {
        let input = TensorShape(n: batch, c: graph.probeChannels, h: size, w: size)
        let shapes = try graph.inferShapes(input: input)
        let arena = ExecutionPlan.assignSlots(graph: graph, shapes: shapes).capacities.reduce(0, +)
        let outputs = graph.outputs.reduce(0) { $0 + shapes[$1.value]!.count }
        return 4 * (arena + input.count + outputs)
    }
}
