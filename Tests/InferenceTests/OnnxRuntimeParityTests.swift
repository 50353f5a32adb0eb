import Foundation
import Inference
import Kernels
import ONNX
import Testing

/// Models built by make_fixtures.py run here and in onnxruntime; outputs must agree.
@Suite(.serialized) struct OnnxRuntimeParityTests {
    static let names = ["unet_convT_o17", "unet_convT_o17_external", "unet_convT_o11_typed", "unet_nearest_o11",
                        "unet_bilinear_align_o13", "unet_bilinear_half_o17_d3", "unet_bilinear_pytorch_o17",
                        "coverage_o13", "coverage_o17"]

    struct Setup: Sendable, CustomTestStringConvertible {
        let options: EngineOptions
        var testDescription: String { "threads \(options.threads), winograd \(options.winograd), optimize \(options.optimize)" }
    }

    static let setups = [
        Setup(options: EngineOptions(threads: 1)),
        Setup(options: EngineOptions(threads: 2, optimize: false, winograd: false)),
    ]

    @Test(arguments: names, setups)
    func matchesOnnxRuntime(_ name: String, _ setup: Setup) throws {
        let fixture = Fixtures.named(name)
        let graph = try ONNXImporter().importModel(at: fixture.model)
        let engine = Engine(graph: graph, options: setup.options)
        let output = try engine(fixture.input)
        let difference = maxAbsDifference(output, fixture.expected)
        #expect(difference <= 1e-4, "\(name): max |engine - onnxruntime| = \(difference)")
    }

    @Test func plansAreReusedAcrossRuns() throws {
        let fixture = Fixtures.named("unet_convT_o17")
        let engine = Engine(graph: try ONNXImporter().importModel(at: fixture.model))
        let first = try engine(fixture.input)
        let second = try engine(fixture.input)
        #expect(first == second)
    }

    @Test func passesFoldBatchNormAndFuseActivations() throws {
        let graph = try ONNXImporter().importModel(at: Fixtures.named("unet_convT_o17").model)
        let engine = Engine(graph: graph)
        let before = graph.nodes.map(\.op.name), after = engine.graph.nodes.map(\.op.name)
        #expect(before.contains("BatchNormalization") && !after.contains("BatchNormalization"))
        #expect(!after.contains("Relu"))
        #expect(after.count < before.count)
    }

    @Test func skipConcatsAreReadInPlaceByWinogradConvolutions() throws {
        let graph = try ONNXImporter().importModel(at: Fixtures.named("unet_convT_o17").model)
        #expect(graph.nodes.contains { $0.op.name == "Concat" })
        let fused = Engine(graph: graph).graph
        #expect(!fused.nodes.contains { $0.op.name == "Concat" })
        #expect(fused.nodes.contains { $0.op.name == "Conv" && $0.inputs.count == 2 })
        // Without Winograd the convolutions read one tensor, so the Concat stays.
        let plain = Engine(graph: graph, options: EngineOptions(winograd: false)).graph
        #expect(plain.nodes.contains { $0.op.name == "Concat" })
    }

    @Test func metadataIsRead() throws {
        let graph = try ONNXImporter().importModel(at: Fixtures.named("unet_bilinear_half_o17_d3").model)
        #expect(graph.metadata.classNames == ["class0", "class1", "class2"])
        #expect(graph.metadata.inputBandCount == 5)
        #expect(graph.metadata.recommendedTileSize == 24)
        let error = #expect(throws: InferenceError.self) { try graph.checkBandCount(8) }
        #expect(error?.code == .bandCountMismatch)
        #expect(error?.description.contains("5") == true && error?.description.contains("8") == true)
        try graph.checkBandCount(5)
    }
}
