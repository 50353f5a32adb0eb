import Kernels

extension Graph {
    /// The shape of every value for an input of `shape`, checking each node's operands.
    public func inferShapes(input shape: TensorShape) throws -> [ValueID: TensorShape] {
        if let expected = inputChannels, expected != shape.c {
            throw InferenceError(code: .invalidInput, message: "input has \(shape.c) channels, the model expects \(expected)")
        }
        var shapes: [ValueID: TensorShape] = [input: shape]
        for (id, tensor) in constants { shapes[id] = tensor.shape }
        for node in nodes {
            let inputs = try node.inputs.map { id -> TensorShape in
                guard let s = shapes[id] else {
                    throw InferenceError(code: .invalidGraph, message: "reads \(valueNames[id.index]) before it is computed", node: node.name)
                }
                return s
            }
            shapes[node.output] = try outputShape(of: node, inputs: inputs)
        }
        return shapes
    }

    /// The shape a node's kernel reads: its first input's, except for a convolution with several
    /// inputs (a fused Concat), which reads their channel concatenation (nil if they do not join).
    func readShape(of node: Node, inputs: [TensorShape]) -> TensorShape? {
        if case .conv = node.op, inputs.count > 1 { return concatenatedShape(inputs, axis: 1) }
        return inputs.first
    }

    func outputShape(of node: Node, inputs: [TensorShape]) throws -> TensorShape {
        func fail(_ message: String) -> InferenceError { InferenceError(code: .shapeMismatch, message: message, node: node.name) }
        func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw fail(message()) }
        }
        let expectedCount: Int? = switch node.op {
        case .concat, .conv: nil  // a convolution may read a channel concatenation (fused Concat)
        case .binary: 2
        default: 1
        }
        if let expectedCount { try check(inputs.count == expectedCount, "\(node.op.name) takes \(expectedCount) input(s), got \(inputs.count)") }
        try check(!inputs.isEmpty, "\(node.op.name) has no inputs")
        guard let x = readShape(of: node, inputs: inputs) else {
            throw fail("cannot concatenate \(inputs.map(\.description).joined(separator: ", ")) along channels")
        }
        let result: TensorShape
        switch node.op {
        case .conv(let conv):
            let g = conv.geometry, w = conv.weights.shape
            try check(x.c == w.c * g.groups, "input has \(x.c) channels, weights \(w) with \(g.groups) group(s) expect \(w.c * g.groups)")
            let (h, ww) = g.convOutput(h: x.h, w: x.w)
            result = TensorShape(n: x.n, c: w.n, h: max(h, 0), w: max(ww, 0))
        case .convTranspose(let conv):
            try check(x.c == conv.weights.shape.n, "input has \(x.c) channels, weights \(conv.weights.shape) expect \(conv.weights.shape.n)")
            let (h, w) = conv.geometry.transposedOutput(h: x.h, w: x.w)
            try check(h + conv.outputPadding.h > 0 && w + conv.outputPadding.w > 0, "output would be empty for input \(x)")
            result = TensorShape(n: x.n, c: conv.outputChannels, h: h + conv.outputPadding.h, w: w + conv.outputPadding.w)
        case .batchNorm(let bn):
            try check(bn.gamma.count == x.c, "input has \(x.c) channels, parameters have \(bn.gamma.count)")
            result = x
        case .activation, .softmax, .identity, .dropout: result = x
        case .pool(_, let window): result = window.outputShape(for: x)
        case .globalAveragePool: result = TensorShape(n: x.n, c: x.c, h: 1, w: 1)
        case .resize(let resize):
            let out = resize.output(h: x.h, w: x.w)
            result = TensorShape(n: x.n, c: x.c, h: out.h, w: out.w)
        case .concat(let axis):
            guard let s = concatenatedShape(inputs, axis: axis) else {
                throw fail("cannot concatenate \(inputs.map(\.description).joined(separator: ", ")) along axis \(axis)")
            }
            result = s
        case .binary:
            guard let s = broadcastShape(inputs[0], inputs[1]) else { throw fail("\(inputs[0]) and \(inputs[1]) do not broadcast") }
            result = s
        case .pad(let begin, let end, _):
            let extents = [x.n, x.c, x.h, x.w]
            try check((0..<4).allSatisfy { extents[$0] + begin[$0] + end[$0] > 0 }, "pads crop input \(x) to nothing")
            result = paddedShape(x, begin: begin, end: end)
        }
        try check(result.n > 0 && result.c > 0 && result.h > 0 && result.w > 0,
                  "output would be \(result) for input \(x)")
        return result
    }
}
