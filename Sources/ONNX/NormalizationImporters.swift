import Inference

extension OpImporterRegistry {
    mutating func registerNormalization() {
        register("BatchNormalization") { context in
            let gamma = try context.requiredConstant(1, "scale")
            let count = gamma.count
            let parameters = try [(gamma, "scale"), (context.requiredConstant(2, "B"), "B"),
                                  (context.requiredConstant(3, "input_mean"), "input_mean"),
                                  (context.requiredConstant(4, "input_var"), "input_var")]
                .map { try context.vector($0.0, $0.1, count: count) }
            let epsilon = context.float("epsilon", default: 1e-5)
            context.ignore("momentum")  // only used in training
            if context.int("training_mode", default: 0) != 0 {
                throw context.error(attribute: "training_mode", "training mode is not supported")
            }
            let op = BatchNormOp(gamma: parameters[0], beta: parameters[1], mean: parameters[2],
                                 variance: parameters[3], epsilon: epsilon)
            return .op(.batchNorm(op), inputs: [try context.value(0)])
        }
    }
}
