import Foundation
import Inference
import ONNX
import Testing

@Suite struct ImporterErrorTests {
    @Test func garbageIsCorrupt() throws {
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(data: Data([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]), directory: nil)
        }
        #expect(error?.code == .corrupt || error?.code == .truncated)
    }

    @Test func emptyDataHasNoGraph() {
        let error = #expect(throws: ONNXError.self) { try ONNXImporter().importModel(data: Data(), directory: nil) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("no graph") == true)
    }

    @Test func missingFileIsUnreadable() {
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(at: URL(fileURLWithPath: "/nonexistent/model.onnx"))
        }
        #expect(error?.code == .unreadable)
        #expect(error?.description.contains("/nonexistent/model.onnx") == true)
    }

    @Test func registryCoversTheIssueOps() {
        let ops = Set(ONNXImporter().supportedOps)
        for op in ["Conv", "ConvTranspose", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Softmax", "Clip",
                   "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "Resize", "Concat", "Add", "Mul", "Sub",
                   "Div", "Identity", "Constant", "Pad", "Dropout"] {
            #expect(ops.contains(op), "\(op) has no importer")
        }
    }
}
