import Inference

/// What an importer turns one ONNX node into: an op over graph values, or a constant.
enum ImportedNode {
    case op(Op, inputs: [ValueID])
    case constant(DecodedTensor)
}

typealias OpImporter = (inout NodeContext) throws -> ImportedNode

/// ONNX op type -> importer, one registration function per op family (as tract's
/// `register_all_ops`). An op type with no importer is reported as unsupported by name.
struct OpImporterRegistry {
    private(set) var importers: [String: OpImporter] = [:]

    mutating func register(_ opType: String, _ importer: @escaping OpImporter) {
        importers[opType] = importer
    }

    /// Every op family the engine supports.
    static var standard: OpImporterRegistry {
        var registry = OpImporterRegistry()
        registry.registerConvolutions()
        registry.registerNormalization()
        registry.registerActivations()
        registry.registerPooling()
        registry.registerResizing()
        registry.registerArithmetic()
        registry.registerTensorOps()
        return registry
    }

    var supportedOps: [String] { importers.keys.sorted() }
}
