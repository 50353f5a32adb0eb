import Foundation
import Inference
import Kernels

/// Walks an ONNX graph's nodes in order, naming values and calling the op importers.
final class GraphBuilder {
    let proto: Onnx_GraphProto
    let opset: Int
    let directory: URL?
    let registry: OpImporterRegistry
    var graph: Graph
    /// ONNX value name -> graph value.
    var values: [String: ValueID] = [:]
    /// Initializers (decoded on first use) and Constant node outputs.
    var initializers: [String: Onnx_TensorProto] = [:]
    var constants: [String: DecodedTensor] = [:]
    /// Secondary node outputs the engine does not compute (e.g. Dropout's mask), by producer.
    var unavailable: [String: String] = [:]

    init(graph proto: Onnx_GraphProto, opset: Int, directory: URL?, registry: OpImporterRegistry) throws {
        (self.proto, self.opset, self.directory, self.registry) = (proto, opset, directory, registry)
        for initializer in proto.initializer { initializers[initializer.name] = initializer }
        graph = Graph(inputName: "")
        if let sparse = proto.sparseInitializer.first {
            throw ONNXError(code: .unsupportedTensor, message: "sparse initializer '\(sparse.values.name)' is not supported")
        }
        // Older exporters list initializers among the inputs too; the real input is the rest.
        let inputs = proto.input.filter { initializers[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw ONNXError(code: .invalidModel, message: "the graph has \(inputs.count) inputs; the engine runs single-input models")
        }
        let type = input.type.tensorType
        guard type.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw ONNXError(code: .unsupportedTensor, message: "input '\(input.name)' is not float32 (element type \(type.elemType))")
        }
        let dims = type.shape.dim
        guard !type.hasShape || dims.count == 4 else {
            throw ONNXError(code: .unsupportedTensor, message: "input '\(input.name)' has rank \(dims.count); the engine needs NCHW (rank 4)")
        }
        let channels: Int? = if dims.count == 4, case .dimValue(let c)? = dims[1].value { Int(c) } else { nil }
        graph = Graph(inputName: input.name, inputChannels: channels)
        values[input.name] = graph.input
    }

    func constant(named name: String) throws -> DecodedTensor? {
        if let tensor = constants[name] { return tensor }
        guard let proto = initializers[name] else { return nil }
        let tensor = try DecodedTensor(proto, directory: directory)
        constants[name] = tensor
        return tensor
    }

    /// The graph value for `name`; constants become graph constants (NCHW, right-aligned) on first use.
    func value(named name: String, for node: String) throws -> ValueID {
        if let id = values[name] { return id }
        if let producer = unavailable[name] {
            throw ONNXError(code: .unsupportedOp, message: "value '\(name)' (a secondary output of \(producer)) is not supported", node: node)
        }
        guard let tensor = try constant(named: name) else {
            throw ONNXError(code: .invalidModel, message: "input '\(name)' is not defined before this node", node: node)
        }
        guard tensor.dims.count <= 4 else {
            throw ONNXError(code: .unsupportedTensor, message: "constant '\(name)' has rank \(tensor.dims.count); at most 4 is supported", node: node)
        }
        let d = [Int](repeating: 1, count: 4 - tensor.dims.count) + tensor.dims
        let id = graph.addConstant(Tensor(shape: TensorShape(n: d[0], c: d[1], h: d[2], w: d[3]), storage: tensor.floats), named: name)
        values[name] = id
        return id
    }

    func importNodes() throws {
        for (index, node) in proto.node.enumerated() {
            let name = node.name.isEmpty ? (node.output.first ?? "#\(index)") : node.name
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ONNXError(code: .unsupportedOp, message: "domain '\(node.domain)' is not supported", op: node.opType, node: name)
            }
            guard let importer = registry.importers[node.opType] else {
                throw ONNXError(code: .unsupportedOp, message: "op '\(node.opType)' is not supported", op: node.opType, node: name)
            }
            guard let outputName = node.output.first, !outputName.isEmpty else {
                throw ONNXError(code: .invalidModel, message: "the node has no output", op: node.opType, node: name)
            }
            var context = makeContext(node, name: name)
            let imported = try importer(&context)
            try context.checkAllAttributesRead()
            for extra in node.output.dropFirst() where !extra.isEmpty { unavailable[extra] = "\(node.opType) node '\(name)'" }
            switch imported {
            case .op(let op, let inputs):
                values[outputName] = graph.addNode(name, op, inputs: inputs, outputName: outputName)
            case .constant(let tensor):
                constants[outputName] = tensor
            }
        }
    }

    /// Gives the importer closures over this builder's state (they run inside `importNodes`).
    private func makeContext(_ node: Onnx_NodeProto, name: String) -> NodeContext {
        NodeContext(node: node, opset: opset, name: name,
                    resolveValue: { [unowned self] in try self.value(named: $0, for: name) },
                    constant: { [unowned self] in try self.constant(named: $0) })
    }

    func finish() throws -> Graph {
        guard !proto.output.isEmpty else { throw ONNXError(code: .invalidModel, message: "the graph has no outputs") }
        graph.outputs = try proto.output.map { ($0.name, try value(named: $0.name, for: "graph output")) }
        return graph
    }
}
