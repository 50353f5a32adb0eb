import Inference
import Kernels

extension OpImporterRegistry {
    mutating func registerArithmetic() {
        for op in BinaryOperator.allCases {
            register(op.rawValue) { context in
                .op(.binary(op), inputs: [try context.value(0), try context.value(1)])
            }
        }
    }
}
