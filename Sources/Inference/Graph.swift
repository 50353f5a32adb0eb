import Kernels

/// A value (tensor) flowing through a graph; an index into `Graph.valueNames`.
public struct ValueID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: ValueID, b: ValueID) -> Bool { a.index < b.index }
    public var description: String { "%\(index)" }
}

/// One operation: reads `inputs`, writes `output`.
public struct Node: Sendable {
    public var name: String
    public var op: Op
    public var inputs: [ValueID]
    public var output: ValueID

    public init(name: String, op: Op, inputs: [ValueID], output: ValueID) {
        (self.name, self.op, self.inputs, self.output) = (name, op, inputs, output)
    }
}

/// A dataflow graph over NCHW Float32 tensors: one graph input, constants, nodes in
/// topological order, named outputs. Built by an importer (e.g. ONNX), rewritten by passes,
/// compiled into plans by `Engine`.
public struct Graph: Sendable {
    /// Debug names of all values, indexed by `ValueID.index`.
    public private(set) var valueNames: [String] = []
    /// The input tensor (N x C x H x W) and its declared channel count (nil when not declared).
    public var input: ValueID
    public var inputChannels: Int?
    /// Constant tensors (ONNX initializers and Constant nodes) used as node inputs, NCHW with
    /// lower ranks right-aligned (a per-channel [C, 1, 1] constant is 1 x C x 1 x 1).
    public var constants: [ValueID: Tensor] = [:]
    public var nodes: [Node] = []
    /// Outputs in model order, with the names the model gives them.
    public var outputs: [(name: String, value: ValueID)] = []
    public var metadata = ModelMetadata()

    /// An empty graph whose input is named `inputName`.
    public init(inputName: String, inputChannels: Int? = nil) {
        input = ValueID(0)
        valueNames = [inputName]
        self.inputChannels = inputChannels
    }

    /// Declares a new value and returns its id.
    public mutating func addValue(named name: String) -> ValueID {
        valueNames.append(name)
        return ValueID(valueNames.count - 1)
    }

    public mutating func addConstant(_ tensor: Tensor, named name: String) -> ValueID {
        let id = addValue(named: name)
        constants[id] = tensor
        return id
    }

    /// Appends a node computing a new value named `outputName`; returns that value.
    @discardableResult
    public mutating func addNode(_ name: String, _ op: Op, inputs: [ValueID], outputName: String? = nil) -> ValueID {
        let output = addValue(named: outputName ?? name)
        nodes.append(Node(name: name, op: op, inputs: inputs, output: output))
        return output
    }

    /// How many node inputs and graph outputs read each value.
    func useCounts() -> [ValueID: Int] {
        var uses: [ValueID: Int] = [:]
        for node in nodes { for input in node.inputs { uses[input, default: 0] += 1 } }
        for output in outputs { uses[output.value, default: 0] += 1 }
        return uses
    }

    func isOutput(_ value: ValueID) -> Bool { outputs.contains { $0.value == value } }

    /// Total convolution FLOPs (2 x multiply-adds) for one input of `shape`.
    public func convolutionFLOPs(for shape: TensorShape) throws -> Int {
        let shapes = try inferShapes(input: shape)
        return nodes.reduce(0) { total, node in
            switch node.op {
            case .conv(let conv): total + conv.flops(output: shapes[node.output]!)
            case .convTranspose(let conv): total + conv.flops(input: shapes[node.inputs[0]]!)
            default: total
            }
        }
    }
}
