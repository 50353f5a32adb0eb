import Foundation
import SwiftProtobuf

/// An attribute value of a node written by `ONNXModelWriter`.
public enum ONNXAttribute: Sendable {
    case int(Int)
    case ints([Int])
    case float(Float)
}

/// One dimension of a graph input or output: a number, or a name for a free size.
public enum ONNXDimension: Sendable {
    case fixed(Int)
    case symbolic(String)
}

/// Builds a single-input, single-output float ONNX model (for models trained in this project);
/// keeps the generated protobuf types inside this module.
public struct ONNXModelWriter {
    private var graph = Onnx_GraphProto()
    private var metadata: [(String, String)] = []
    private let producer: String
    private let opset: Int

    public init(graphName: String, producer: String, opset: Int = 17) {
        graph.name = graphName
        self.producer = producer
        self.opset = opset
    }

    public mutating func addInitializer(name: String, dims: [Int], values: [Float]) {
        precondition(dims.reduce(1, *) == values.count, "\(name): \(values.count) values for dims \(dims)")
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }  // little-endian on every supported CPU
        graph.initializer.append(tensor)
    }

    public mutating func addNode(_ opType: String, name: String, inputs: [String], outputs: [String],
                                 attributes: [(String, ONNXAttribute)] = []) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = name
        node.input = inputs
        node.output = outputs
        node.attribute = attributes.map { name, value in
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            switch value {
            case .int(let v): attribute.type = .int; attribute.i = Int64(v)
            case .ints(let v): attribute.type = .ints; attribute.ints = v.map(Int64.init)
            case .float(let v): attribute.type = .float; attribute.f = v
            }
            return attribute
        }
        graph.node.append(node)
    }

    public mutating func setInput(name: String, dims: [ONNXDimension]) { graph.input = [Self.valueInfo(name, dims)] }

    public mutating func setOutput(name: String, dims: [ONNXDimension]) { graph.output = [Self.valueInfo(name, dims)] }

    /// A `metadata_props` entry (kept in insertion order).
    public mutating func addMetadata(key: String, value: String) { metadata.append((key, value)) }

    public func serialized() throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = producer
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.domain = ""
        opsetID.version = Int64(opset)
        model.opsetImport = [opsetID]
        model.graph = graph
        model.metadataProps = metadata.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return try model.serializedData()
    }

    private static func valueInfo(_ name: String, _ dims: [ONNXDimension]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { dim in
            var d = Onnx_TensorShapeProto.Dimension()
            switch dim {
            case .fixed(let v): d.dimValue = Int64(v)
            case .symbolic(let s): d.dimParam = s
            }
            return d
        }
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        info.type = type
        return info
    }
}
