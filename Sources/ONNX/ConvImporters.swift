import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerConvolutions() {
        register("Conv") { context in
            let weights = try context.weights(context.requiredConstant(1, "W"), "W")
            let bias = try context.constantInput(2, "B").map { try context.vector($0, "B", count: weights.shape.n) } ?? []
            let geometry = try context.convGeometry(weights: weights, groupsKey: "group", dilationsKey: "dilations")
            guard weights.shape.n % geometry.groups == 0 else {
                throw context.error(attribute: "group", "\(geometry.groups) groups do not divide \(weights.shape.n) output channels")
            }
            return .op(.conv(ConvOp(weights: weights, bias: bias, geometry: geometry)), inputs: [try context.value(0)])
        }
        register("ConvTranspose") { context in
            let weights = try context.weights(context.requiredConstant(1, "W"), "W")
            let geometry = try context.convGeometry(weights: weights, groupsKey: "group", dilationsKey: "dilations")
            let outputChannels = weights.shape.c * geometry.groups
            let bias = try context.constantInput(2, "B").map { try context.vector($0, "B", count: outputChannels) } ?? []
            if context.has("output_shape") {
                throw context.error(attribute: "output_shape", "is not supported (export with pads and output_padding)")
            }
            let outputPadding = context.ints("output_padding") ?? [0, 0]
            guard outputPadding.count == 2, outputPadding.allSatisfy({ $0 >= 0 }) else {
                throw context.error(attribute: "output_padding", "must be 2 non-negative values, got \(outputPadding)")
            }
            let op = ConvTransposeOp(weights: weights, bias: bias, geometry: geometry,
                                     outputPadding: (outputPadding[0], outputPadding[1]))
            return .op(.convTranspose(op), inputs: [try context.value(0)])
        }
    }
}

extension NodeContext {
    /// Reads kernel_shape, strides, dilations, pads, auto_pad and group for a 2-D window.
    /// `weights` (when given) fixes the kernel size; pools pass nil and need kernel_shape.
    mutating func convGeometry(weights: Tensor?, groupsKey: String?, dilationsKey: String?) throws -> ConvGeometry {
        func pair(_ key: String, default value: [Int]) throws -> [Int] {
            let values = ints(key) ?? value
            guard values.count == 2, values.allSatisfy({ $0 > 0 }) else {
                throw error(attribute: key, "must be 2 positive values (2-D only), got \(values)")
            }
            return values
        }
        let kernelDefault = weights.map { [$0.shape.h, $0.shape.w] }
        guard let kernelDefault = kernelDefault ?? ints("kernel_shape") else {
            throw error(.invalidModel, attribute: "kernel_shape", "is required")
        }
        let kernel = try pair("kernel_shape", default: kernelDefault)
        if let weights, kernel != [weights.shape.h, weights.shape.w] {
            throw error(.invalidModel, attribute: "kernel_shape", "\(kernel) differs from the weights' \(weights.shape.h)x\(weights.shape.w)")
        }
        let strides = try pair("strides", default: [1, 1])
        let dilations = try dilationsKey.map { try pair($0, default: [1, 1]) } ?? [1, 1]
        let groups = groupsKey.map { int($0, default: 1) } ?? 1
        guard groups >= 1 else { throw error(attribute: "group", "must be >= 1, got \(groups)") }
        var pads = ints("pads") ?? [0, 0, 0, 0]
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else {
            throw error(attribute: "pads", "must be 4 non-negative values (2-D only), got \(pads)")
        }
        switch string("auto_pad", default: "NOTSET") {
        case "NOTSET": break
        case "VALID": pads = [0, 0, 0, 0]
        case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
            // With stride 1 the total padding is the dilated kernel extent - 1 whatever the input size.
            guard strides == [1, 1] else {
                throw error(attribute: "auto_pad", "\(mode) with strides \(strides) is not supported (export explicit pads)")
            }
            let total = [dilations[0] * (kernel[0] - 1), dilations[1] * (kernel[1] - 1)]
            let small = total.map { $0 / 2 }, large = total.map { $0 - $0 / 2 }
            pads = mode == "SAME_UPPER" ? small + large : large + small
        case let mode:
            throw error(attribute: "auto_pad", "'\(mode)' is not supported")
        }
        return ConvGeometry(kernelH: kernel[0], kernelW: kernel[1], strideH: strides[0], strideW: strides[1],
                            dilationH: dilations[0], dilationW: dilations[1], padTop: pads[0], padLeft: pads[1],
                            padBottom: pads[2], padRight: pads[3], groups: groups)
    }
}
