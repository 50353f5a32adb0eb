import Foundation
import Inference
import Kernels

/// What an op importer sees of one ONNX node: its attributes (each read is recorded, so an
/// attribute nobody read is reported as unsupported), its inputs as graph values or constants,
/// and the opset version in force.
struct NodeContext {
    let node: Onnx_NodeProto
    let opset: Int
    /// The node's name, or its first output's when the model leaves it empty.
    let name: String
    var consumedAttributes: Set<String> = []
    /// Resolves an input name to a graph value (materializing constants on demand).
    let resolveValue: (String) throws -> ValueID
    /// The constant behind an input name, if it is an initializer or a Constant output.
    let constant: (String) throws -> DecodedTensor?

    var opType: String { node.opType }

    func error(_ code: ONNXError.Code = .unsupportedAttribute, attribute: String? = nil, _ message: String) -> ONNXError {
        ONNXError(code: code, message: message, op: node.opType, node: name, attribute: attribute)
    }

    private mutating func attribute(_ key: String) -> Onnx_AttributeProto? {
        consumedAttributes.insert(key)
        return node.attribute.first { $0.name == key }
    }

    mutating func int(_ key: String, default value: Int) -> Int { attribute(key).map { Int($0.i) } ?? value }
    mutating func float(_ key: String, default value: Float) -> Float { attribute(key)?.f ?? value }
    mutating func ints(_ key: String) -> [Int]? { attribute(key).map { $0.ints.map { Int($0) } } }
    mutating func floats(_ key: String) -> [Float]? { attribute(key)?.floats }
    mutating func string(_ key: String, default value: String) -> String {
        attribute(key).map { String(decoding: $0.s, as: UTF8.self) } ?? value
    }
    mutating func tensor(_ key: String) -> Onnx_TensorProto? { attribute(key).flatMap { $0.hasT ? $0.t : nil } }
    mutating func has(_ key: String) -> Bool { attribute(key) != nil }

    /// Marks attributes that do not change inference results as read (e.g. Dropout's seed).
    mutating func ignore(_ keys: String...) { consumedAttributes.formUnion(keys) }

    /// Throws for the first attribute no importer code read.
    func checkAllAttributesRead() throws {
        if let unknown = node.attribute.first(where: { !consumedAttributes.contains($0.name) }) {
            throw error(attribute: unknown.name, "is not supported")
        }
    }

    /// Whether input `index` is present (ONNX marks omitted optional inputs with "").
    func hasInput(_ index: Int) -> Bool { index < node.input.count && !node.input[index].isEmpty }

    /// Input `index` as a graph value (an activation or a constant tensor).
    func value(_ index: Int) throws -> ValueID {
        guard hasInput(index) else { throw error(.invalidModel, "input #\(index) is missing") }
        return try resolveValue(node.input[index])
    }

    /// Input `index` when it must be a constant (weights, pads, scales, ...), or nil if omitted.
    func constantInput(_ index: Int, _ role: String) throws -> DecodedTensor? {
        guard hasInput(index) else { return nil }
        guard let tensor = try constant(node.input[index]) else {
            throw error(.unsupportedOp, "input '\(role)' ('\(node.input[index])') must be an initializer or Constant")
        }
        return tensor
    }

    func requiredConstant(_ index: Int, _ role: String) throws -> DecodedTensor {
        guard let tensor = try constantInput(index, role) else { throw error(.invalidModel, "input '\(role)' is missing") }
        return tensor
    }

    /// Reads a tensor as a 4-D `Tensor` (rank 4 exactly: conv weights).
    func weights(_ tensor: DecodedTensor, _ role: String) throws -> Tensor {
        guard tensor.dims.count == 4 else {
            throw error(.unsupportedOp, "input '\(role)' has rank \(tensor.dims.count); only 2-D convolutions (rank-4 weights) are supported")
        }
        let d = tensor.dims
        return Tensor(shape: TensorShape(n: d[0], c: d[1], h: d[2], w: d[3]), storage: tensor.floats)
    }

    /// A per-channel vector of `count` values (bias, BatchNorm parameters).
    func vector(_ tensor: DecodedTensor, _ role: String, count: Int) throws -> [Float] {
        guard tensor.count == count else {
            throw error(.invalidModel, "input '\(role)' has \(tensor.count) values, expected \(count)")
        }
        return tensor.floats
    }
}
