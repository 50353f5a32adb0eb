import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerPooling() {
        register("MaxPool") { context in
            if context.node.output.count > 1 && !context.node.output[1].isEmpty {
                throw context.error(.unsupportedOp, "the Indices output is not supported")
            }
            if context.int("storage_order", default: 0) != 0 {
                throw context.error(attribute: "storage_order", "column-major storage order is not supported")
            }
            let window = try context.poolWindow(dilations: true, countIncludePad: false)
            return .op(.pool(.max, window), inputs: [try context.value(0)])
        }
        register("AveragePool") { context in
            let includePad = context.int("count_include_pad", default: 0) != 0
            let window = try context.poolWindow(dilations: context.opset >= 19, countIncludePad: includePad)
            return .op(.pool(.average, window), inputs: [try context.value(0)])
        }
        register("GlobalAveragePool") { context in .op(.globalAveragePool, inputs: [try context.value(0)]) }
    }
}

extension NodeContext {
    mutating func poolWindow(dilations: Bool, countIncludePad: Bool) throws -> PoolWindow {
        let geometry = try convGeometry(weights: nil, groupsKey: nil, dilationsKey: dilations ? "dilations" : nil)
        return PoolWindow(geometry: geometry, ceilMode: int("ceil_mode", default: 0) != 0, countIncludePad: countIncludePad)
    }
}
