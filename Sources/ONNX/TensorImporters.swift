import Foundation
import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerTensorOps() {
        register("Identity") { context in .op(.identity, inputs: [try context.value(0)]) }
        register("Dropout") { context in
            context.ignore("seed", "ratio")  // inference: Dropout is the identity whatever the ratio
            if let training = try context.constantInput(2, "training_mode"), training.values.contains(where: { $0 != 0 }) {
                throw context.error(.unsupportedOp, "training mode is not supported")
            }
            return .op(.dropout, inputs: [try context.value(0)])
        }
        register("Concat") { context in
            guard context.has("axis") else { throw context.error(.invalidModel, attribute: "axis", "is required") }
            let axis = try context.axis(context.int("axis", default: 1), key: "axis")
            let inputs = try context.node.input.indices.filter(context.hasInput).map { try context.value($0) }
            return .op(.concat(axis: axis), inputs: inputs)
        }
        register("Pad") { context in try context.importPad() }
        register("Constant") { context in try context.importConstant() }
    }
}

extension NodeContext {
    mutating func importPad() throws -> ImportedNode {
        let modeName = string("mode", default: "constant")
        // Opset 11+: pads, constant_value, (18+) axes are inputs; opset 2: attributes.
        var pads = try constantInput(1, "pads")?.integers ?? ints("pads") ?? []
        let fill = try constantInput(2, "constant_value").map { tensor -> Float in
            guard tensor.count <= 1 else { throw error(.invalidModel, "input 'constant_value' must be a scalar") }
            return tensor.count == 1 ? Float(tensor.values[0]) : 0
        } ?? float("value", default: 0)
        if let axes = try constantInput(3, "axes")?.integers {
            let normalized = try axes.map { try axis($0, key: "axes") }
            guard pads.count == 2 * axes.count else {
                throw error(.invalidModel, "input 'pads' has \(pads.count) values for \(axes.count) axes")
            }
            var full = [Int](repeating: 0, count: 8)
            for (i, a) in normalized.enumerated() { (full[a], full[4 + a]) = (pads[i], pads[axes.count + i]) }
            pads = full
        }
        guard pads.count == 8 else {
            throw error(.unsupportedOp, "pads \(pads) must have 8 values (NCHW tensors only)")
        }
        let mode: PadMode
        switch modeName {
        case "constant": mode = .constant(fill)
        case "reflect": mode = .reflect
        case "edge": mode = .edge
        default: throw error(attribute: "mode", "'\(modeName)' is not supported")
        }
        return .op(.pad(begin: Array(pads[0..<4]), end: Array(pads[4..<8]), mode: mode), inputs: [try value(0)])
    }

    mutating func importConstant() throws -> ImportedNode {
        if let tensor = tensor("value") { return .constant(try DecodedTensor(tensor, directory: nil)) }
        if let attribute = node.attribute.first(where: { $0.name == "value_float" }) {
            consumedAttributes.insert("value_float")
            return .constant(DecodedTensor(dims: [], values: [Double(attribute.f)]))
        }
        if let values = floats("value_floats") { return .constant(DecodedTensor(dims: [values.count], values: values.map(Double.init))) }
        if let attribute = node.attribute.first(where: { $0.name == "value_int" }) {
            consumedAttributes.insert("value_int")
            return .constant(DecodedTensor(dims: [], values: [Double(attribute.i)]))
        }
        if let values = ints("value_ints") { return .constant(DecodedTensor(dims: [values.count], values: values.map(Double.init))) }
        throw error(attribute: node.attribute.first?.name, "Constant needs a tensor, float(s) or int(s) value")
    }
}
