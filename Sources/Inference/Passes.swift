import Kernels

// Graph rewrites run before compilation. Each keeps the graph's outputs and their values
// unchanged (up to floating-point rounding for the BatchNorm fold).

extension Graph {
    /// All passes in order: drop Identity/Dropout, fold BatchNorm into the convolution before it,
    /// fuse activations into the convolution before them.
    public mutating func optimize() {
        removeIdentities()
        foldBatchNorms()
        fuseActivations()
    }

    /// Lets a channel Concat whose only reader is a Winograd convolution be read in place: the
    /// convolution takes the Concat's inputs and the Concat node goes (a U-Net's skip joins;
    /// saves copying every decoder stage's input). Run by `Engine` when it uses Winograd.
    public mutating func fuseConcatIntoConvolutions() {
        var readers: [ValueID: [Int]] = [:]
        for (index, node) in nodes.enumerated() { for input in Set(node.inputs) { readers[input, default: []].append(index) } }
        let outputValues = Set(outputs.map(\.value))
        // Concat output -> its inputs, for each Concat whose single reader is a Winograd convolution.
        var fused: [ValueID: [ValueID]] = [:]
        for node in nodes {
            guard case .concat(let axis) = node.op, axis == 1, !outputValues.contains(node.output),
                  let reader = readers[node.output], reader.count == 1,
                  case .conv(let conv) = nodes[reader[0]].op, nodes[reader[0]].inputs == [node.output],
                  Convolution.supports(.winograd, conv.geometry, inputChannelsPerGroup: conv.weights.shape.c)
            else { continue }
            fused[node.output] = node.inputs
        }
        nodes = nodes.compactMap { node in
            if fused[node.output] != nil { return nil }
            guard node.inputs.count == 1, let sources = fused[node.inputs[0]] else { return node }
            var node = node
            node.inputs = sources
            return node
        }
    }

    /// Replaces every use of an Identity or Dropout output by its input, and removes the node.
    public mutating func removeIdentities() {
        var replacement: [ValueID: ValueID] = [:]
        func resolve(_ id: ValueID) -> ValueID { replacement[id].map(resolve) ?? id }
        nodes = nodes.compactMap { node in
            switch node.op {
            case .identity, .dropout:
                replacement[node.output] = resolve(node.inputs[0])
                return nil
            default:
                var node = node
                node.inputs = node.inputs.map(resolve)
                return node
            }
        }
        outputs = outputs.map { ($0.name, resolve($0.value)) }
    }

    /// Folds `BatchNormalization(conv(x))` into the convolution's weights and bias when the
    /// convolution's result is used by nothing else: W'[co] = W[co] * scale[co],
    /// b'[co] = b[co] * scale[co] + shift[co].
    public mutating func foldBatchNorms() {
        rewritePairs { producer, consumer in
            guard case .batchNorm(let bn) = consumer.op else { return nil }
            let (scale, shift) = bn.affine
            func foldedBias(_ bias: [Float]) -> [Float] {
                (0..<scale.count).map { (bias.isEmpty ? 0 : bias[$0]) * scale[$0] + shift[$0] }
            }
            switch producer.op {
            case .conv(var conv) where conv.activation == nil && conv.weights.shape.n == scale.count:
                let perChannel = conv.weights.shape.count / conv.weights.shape.n
                var w = conv.weights.storage
                for i in w.indices { w[i] *= scale[i / perChannel] }
                conv.weights = Tensor(shape: conv.weights.shape, storage: w)
                conv.bias = foldedBias(conv.bias)
                return .conv(conv)
            case .convTranspose(var conv) where conv.activation == nil && conv.outputChannels == scale.count:
                // Weights are Cin x (Cout / groups) x kH x kW; output channel of element i is
                // group(ci) * Cout/groups + (i / taps) % (Cout/groups).
                let s = conv.weights.shape, taps = s.h * s.w, cinPerGroup = s.n / conv.geometry.groups
                var w = conv.weights.storage
                for i in w.indices {
                    let ci = i / (s.c * taps), co = (ci / cinPerGroup) * s.c + (i / taps) % s.c
                    w[i] *= scale[co]
                }
                conv.weights = Tensor(shape: s, storage: w)
                conv.bias = foldedBias(conv.bias)
                return .convTranspose(conv)
            default: return nil
            }
        }
    }

    /// Moves an activation into the convolution before it (applied in the kernel's epilogue,
    /// while the output is still in cache) when the convolution's result is used by nothing else.
    public mutating func fuseActivations() {
        rewritePairs { producer, consumer in
            guard case .activation(let activation) = consumer.op else { return nil }
            switch producer.op {
            case .conv(var conv) where conv.activation == nil:
                conv.activation = activation
                return .conv(conv)
            case .convTranspose(var conv) where conv.activation == nil:
                conv.activation = activation
                return .convTranspose(conv)
            default: return nil
            }
        }
    }

    /// For each node whose single input comes from a node used only there (and not a graph output),
    /// asks `merge` for one op replacing both; the merged node keeps the producer's inputs and
    /// writes the consumer's output.
    private mutating func rewritePairs(_ merge: (Node, Node) -> Op?) {
        let uses = useCounts()
        var producerIndex: [ValueID: Int] = [:]
        for (index, node) in nodes.enumerated() { producerIndex[node.output] = index }
        var removed = Set<Int>()
        for index in nodes.indices {
            let consumer = nodes[index]
            guard consumer.inputs.count == 1, let p = producerIndex[consumer.inputs[0]], !removed.contains(p),
                  uses[consumer.inputs[0]] == 1, !isOutput(consumer.inputs[0]),
                  let op = merge(nodes[p], consumer) else { continue }
            nodes[index] = Node(name: nodes[p].name, op: op, inputs: nodes[p].inputs, output: consumer.output)
            removed.insert(p)
        }
        nodes = nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }
}
