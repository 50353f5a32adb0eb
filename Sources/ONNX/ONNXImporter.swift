import Foundation
import Inference
import Kernels
import SwiftProtobuf

/// Reads ONNX models into `Inference.Graph`s: one NCHW float input, constant weights, the ops
/// the registry knows, default-domain opsets 11 to 18, metadata_props into `ModelMetadata`.
public struct ONNXImporter {
    public static let supportedOpsets = 11...18
    let registry: OpImporterRegistry

    public init() { registry = .standard }

    /// The ONNX op types this importer supports.
    public var supportedOps: [String] { registry.supportedOps }

    /// Reads the model at `url`; external data files are looked up next to it.
    public func importModel(at url: URL) throws -> Graph {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXError(code: .unreadable, message: "cannot read the file (\(error.localizedDescription))", path: url.path)
        }
        do {
            return try importModel(data: data, directory: url.deletingLastPathComponent())
        } catch var error as ONNXError {
            error.path = url.path
            throw error
        }
    }

    /// Reads a serialized model; `directory` resolves external data (nil: external data is an error).
    public func importModel(data: Data, directory: URL?) throws -> Graph {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch BinaryDecodingError.truncated {
            throw ONNXError(code: .truncated, message: "the file is truncated (\(data.count) bytes); it is not a complete ONNX model")
        } catch {
            throw ONNXError(code: .corrupt, message: "not an ONNX model: protobuf decoding failed (\(error))")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXError(code: .corrupt, message: "not an ONNX model: it has no graph nodes (\(data.count) bytes)")
        }
        let opset = try Self.defaultOpset(model)
        let builder = try GraphBuilder(graph: model.graph, opset: opset, directory: directory, registry: registry)
        try builder.importNodes()
        var graph = try builder.finish()
        do {
            var properties: [String: String] = [:]
            for entry in model.metadataProps { properties[entry.key] = entry.value }
            graph.metadata = try ModelMetadata(properties: properties)
        } catch let error as InferenceError {
            throw ONNXError(code: .invalidModel, message: error.message)
        }
        return graph
    }

    static func defaultOpset(_ model: Onnx_ModelProto) throws -> Int {
        guard let entry = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw ONNXError(code: .invalidModel, message: "the model imports no default-domain opset")
        }
        let version = Int(entry.version)
        guard supportedOpsets.contains(version) else {
            throw ONNXError(code: .unsupportedOpset,
                            message: "opset \(version) is not supported (\(supportedOpsets.lowerBound) to \(supportedOpsets.upperBound) are)")
        }
        return version
    }
}
