import Foundation
import Inference
import ONNX
import Kernels
import Testing

/// Bad models get one error that says what and where.
@Suite struct ImportErrorTests {
    @Test func unsupportedOpNamesOpAndNode() {
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(at: Fixtures.directory.appendingPathComponent("unsupported_op.onnx"))
        }
        #expect(error?.code == .unsupportedOp)
        #expect(error?.op == "Erf" && error?.node == "erf_node")
        #expect(error?.description.contains("Erf node 'erf_node'") == true)
    }

    @Test func unsupportedAttributeNamesOpNodeAndAttribute() {
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(at: Fixtures.directory.appendingPathComponent("unsupported_attr.onnx"))
        }
        #expect(error?.code == .unsupportedAttribute)
        #expect(error?.op == "Resize" && error?.node == "cubic_up" && error?.attribute == "mode")
        #expect(error?.description.contains("'cubic'") == true)
    }

    @Test(arguments: [0.25, 0.5, 0.9, 0.999])
    func truncatedFileIsReported(_ fraction: Double) throws {
        let data = try Data(contentsOf: Fixtures.named("unet_convT_o17").model)
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(data: data.prefix(Int(Double(data.count) * fraction)), directory: nil)
        }
        // A cut inside a field is "truncated"; a cut on a field boundary leaves a model missing parts.
        #expect([.truncated, .corrupt, .invalidModel].contains(error?.code))
    }

    @Test func missingExternalDataIsReported() throws {
        let model = Fixtures.named("unet_convT_o17_external").model
        let data = try Data(contentsOf: model)
        let error = #expect(throws: ONNXError.self) {
            try ONNXImporter().importModel(data: data, directory: FileManager.default.temporaryDirectory.appendingPathComponent("nowhere"))
        }
        #expect(error?.code == .externalData)
    }

    @Test func wrongChannelCountIsReported() throws {
        let fixture = Fixtures.named("unet_convT_o17")
        let graph = try ONNXImporter().importModel(at: fixture.model)
        let engine = Engine(graph: graph)
        let error = #expect(throws: InferenceError.self) {
            try engine(Tensor(zeros: TensorShape(n: 1, c: 7, h: 16, w: 16)))
        }
        #expect(error?.description.contains("7") == true && error?.description.contains("3") == true)
    }
}
