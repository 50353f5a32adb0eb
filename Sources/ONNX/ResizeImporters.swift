import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerResizing() {
        // Resize (opset 11+): X, roi, scales, sizes. PyTorch exports nn.Upsample / F.interpolate
        // as Resize with constant scales (or sizes), nearest (asymmetric + floor) or linear.
        register("Resize") { context in
            let transformName = context.string("coordinate_transformation_mode", default: "half_pixel")
            guard let transform = CoordinateTransform(rawValue: transformName) else {
                throw context.error(attribute: "coordinate_transformation_mode", "'\(transformName)' is not supported")
            }
            let modeName = context.string("mode", default: "nearest")
            let mode: ResizeMode
            switch modeName {
            case "nearest":
                let roundingName = context.string("nearest_mode", default: "round_prefer_floor")
                guard let rounding = NearestRounding(rawValue: roundingName) else {
                    throw context.error(attribute: "nearest_mode", "'\(roundingName)' is not supported")
                }
                mode = .nearest(rounding)
            case "linear":
                context.ignore("nearest_mode")
                mode = .linear
            default:
                throw context.error(attribute: "mode", "'\(modeName)' is not supported (nearest and linear are)")
            }
            context.ignore("cubic_coeff_a", "extrapolation_value")  // cubic / tf_crop_and_resize only
            if context.int("exclude_outside", default: 0) != 0 {
                throw context.error(attribute: "exclude_outside", "is only meaningful for cubic, which is not supported")
            }
            if context.int("antialias", default: 0) != 0 {
                throw context.error(attribute: "antialias", "antialiased resizing is not supported")
            }
            let policy = context.string("keep_aspect_ratio_policy", default: "stretch")
            if policy != "stretch" { throw context.error(attribute: "keep_aspect_ratio_policy", "'\(policy)' is not supported") }
            if let axes = context.ints("axes"), axes.map({ $0 < 0 ? $0 + 4 : $0 }) != [2, 3] {
                throw context.error(attribute: "axes", "only resizing H and W (axes [2, 3]) is supported, got \(axes)")
            }
            let axesGiven = context.node.attribute.contains { $0.name == "axes" }
            let target = try context.resizeTarget(scalesIndex: 2, sizesIndex: 3, spatialOnly: axesGiven)
            return .op(.resize(ResizeOp(target: target, mode: mode, transform: transform)), inputs: [try context.value(0)])
        }
    }
}

extension NodeContext {
    /// Reads constant `scales` (output / input per axis) or `sizes`; N and C must stay unscaled.
    func resizeTarget(scalesIndex: Int, sizesIndex: Int, spatialOnly: Bool) throws -> ResizeOp.Target {
        let expected = spatialOnly ? 2 : 4
        if let scales = try constantInput(scalesIndex, "scales"), scales.count > 0 {
            guard scales.count == expected, spatialOnly || (scales.values[0] == 1 && scales.values[1] == 1) else {
                throw error(.unsupportedOp, "input 'scales' \(scales.values) must scale H and W only")
            }
            guard scales.values.suffix(2).allSatisfy({ $0 > 0 }) else {
                throw error(.invalidModel, "input 'scales' \(scales.values) must be positive")
            }
            return .scales(h: scales.values[expected - 2], w: scales.values[expected - 1])
        }
        if let sizes = try constantInput(sizesIndex, "sizes"), sizes.count > 0 {
            guard sizes.count == expected, sizes.integers.suffix(2).allSatisfy({ $0 > 0 }) else {
                throw error(.unsupportedOp, "input 'sizes' \(sizes.integers) must give positive sizes for N, C, H, W")
            }
            let values = sizes.integers
            return .sizes(h: values[expected - 2], w: values[expected - 1])
        }
        throw error(.invalidModel, "needs constant 'scales' or 'sizes'")
    }
}
