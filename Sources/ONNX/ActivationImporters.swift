import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerActivations() {
        register("Relu") { context in .op(.activation(.relu), inputs: [try context.value(0)]) }
        register("Sigmoid") { context in .op(.activation(.sigmoid), inputs: [try context.value(0)]) }
        register("Tanh") { context in .op(.activation(.tanh), inputs: [try context.value(0)]) }
        register("LeakyRelu") { context in
            .op(.activation(.leakyRelu(alpha: context.float("alpha", default: 0.01))), inputs: [try context.value(0)])
        }
        register("Clip") { context in
            // Opset 11+: min and max are optional constant inputs (opset 6: attributes).
            func bound(_ index: Int, _ role: String, attribute: String, default value: Float) throws -> Float {
                if let tensor = try context.constantInput(index, role) {
                    guard tensor.count == 1 else { throw context.error(.invalidModel, "input '\(role)' must be a scalar") }
                    return Float(tensor.values[0])
                }
                return context.float(attribute, default: value)
            }
            let low = try bound(1, "min", attribute: "min", default: -.greatestFiniteMagnitude)
            let high = try bound(2, "max", attribute: "max", default: .greatestFiniteMagnitude)
            if low == 0 && high == .greatestFiniteMagnitude { return .op(.activation(.relu), inputs: [try context.value(0)]) }
            return .op(.activation(.clip(min: low, max: high)), inputs: [try context.value(0)])
        }
        register("Softmax") { context in
            // Opset 13 changed the default axis (1 -> -1) and the meaning (flattened -> one axis).
            let legacy = context.opset < 13
            let axis = try context.axis(context.int("axis", default: legacy ? 1 : -1), key: "axis")
            return .op(.softmax(axis: axis, flattenTrailing: legacy && axis != 3), inputs: [try context.value(0)])
        }
    }
}

extension NodeContext {
    /// Normalizes an axis of a rank-4 (NCHW) tensor to 0...3.
    func axis(_ value: Int, key: String) throws -> Int {
        guard (-4..<4).contains(value) else { throw error(attribute: key, "axis \(value) is out of range for NCHW tensors") }
        return value < 0 ? value + 4 : value
    }
}
