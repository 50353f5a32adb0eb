import Foundation
import ONNX

/// What an exported model tells the engine about its data (ONNX `metadata_props`, in the
/// formats `Inference.ModelMetadata` reads: JSON arrays for lists, a decimal tile size).
public struct ONNXModelMetadata: Sendable, Equatable {
    public var classNames: [String]
    public var inputBands: [String]
    /// Per band; the model expects `(x - mean) / std`. Both or neither.
    public var normalizationMean: [Double]?
    public var normalizationStd: [Double]?
    public var tileSize: Int

    public init(classNames: [String], inputBands: [String], normalizationMean: [Double]? = nil,
                normalizationStd: [Double]? = nil, tileSize: Int) {
        self.classNames = classNames
        self.inputBands = inputBands
        self.normalizationMean = normalizationMean
        self.normalizationStd = normalizationStd
        self.tileSize = tileSize
    }

    func check(against architecture: UNetArchitecture) throws {
        func fail(_ message: String) -> TrainingError { TrainingError(code: .invalidMetadata, message: "export metadata: \(message)") }
        guard classNames.count == architecture.classes else {
            throw fail("\(classNames.count) class names for a model with \(architecture.classes) classes")
        }
        guard inputBands.count == architecture.inputBands else {
            throw fail("\(inputBands.count) band names for a model with \(architecture.inputBands) input bands")
        }
        switch (normalizationMean, normalizationStd) {
        case (nil, nil): break
        case (let mean?, let std?):
            guard mean.count == architecture.inputBands, std.count == architecture.inputBands else {
                throw fail("normalization has \(mean.count) means and \(std.count) stds for \(architecture.inputBands) bands")
            }
            guard !std.contains(0), (mean + std).allSatisfy(\.isFinite) else { throw fail("normalization std must be non-zero and all values finite") }
        default: throw fail("normalization mean and std must both be given or both omitted")
        }
        guard tileSize > 0, tileSize % architecture.sizeMultiple == 0 else {
            throw fail("tile size \(tileSize) is not a positive multiple of \(architecture.sizeMultiple)")
        }
    }

    var properties: [(String, String)] {
        func json<T: Encodable>(_ value: T) -> String { String(decoding: try! JSONEncoder().encode(value), as: UTF8.self) }
        var list = [("class_names", json(classNames)), ("input_bands", json(inputBands))]
        if let normalizationMean, let normalizationStd {
            list.append(("normalization_mean", json(normalizationMean)))
            list.append(("normalization_std", json(normalizationStd)))
        }
        list.append(("tile_size", String(tileSize)))
        return list
    }
}

/// Hands trained models to inference, as ONNX only.
public enum ModelExport {
    /// The evaluation-mode network as an ONNX model (opset 17): Conv, BatchNormalization (running
    /// statistics, not folded: the engine folds it), Relu, MaxPool, ConvTranspose, Concat and a
    /// Sigmoid head; dropout is left out (identity at inference). Input `input` [N, bands, H, W],
    /// output `probabilities` [N, classes, H, W], H and W multiples of 2^depth.
    public static func onnx(_ model: UNetModel, metadata: ONNXModelMetadata) throws -> Data {
        let architecture = model.architecture
        try metadata.check(against: architecture)
        var writer = ONNXModelWriter(graphName: "unet", producer: "pipeline-training")
        writer.setInput(name: "input", dims: [.symbolic("N"), .fixed(architecture.inputBands), .symbolic("H"), .symbolic("W")])
        writer.setOutput(name: "probabilities", dims: [.symbolic("N"), .fixed(architecture.classes), .symbolic("H"), .symbolic("W")])
        func add(_ parameter: Parameter) -> String {
            writer.addInitializer(name: parameter.name, dims: parameter.shape, values: parameter.value.array)
            return parameter.name
        }
        func convolution(_ conv: Conv2D, _ input: String) -> String {
            let output = conv.weight.name.replacingOccurrences(of: ".weight", with: "")
            let pad = conv.kernel / 2
            writer.addNode("Conv", name: output, inputs: [input, add(conv.weight)] + (conv.bias.map { [add($0)] } ?? []),
                           outputs: [output], attributes: [("kernel_shape", .ints([conv.kernel, conv.kernel])),
                                                            ("pads", .ints([pad, pad, pad, pad])), ("strides", .ints([1, 1]))])
            return output
        }
        func normalizeAndActivate(_ norm: BatchNorm?, _ input: String) -> String {
            var current = input
            if let norm {
                let prefix = String(norm.scale.name.dropLast(".weight".count))
                writer.addInitializer(name: prefix + ".running_mean", dims: [norm.channels], values: norm.runningMean.array)
                writer.addInitializer(name: prefix + ".running_var", dims: [norm.channels], values: norm.runningVariance.array)
                writer.addNode("BatchNormalization", name: prefix,
                               inputs: [input, add(norm.scale), add(norm.shift), prefix + ".running_mean", prefix + ".running_var"],
                               outputs: [prefix], attributes: [("epsilon", .float(BatchNorm.epsilon))])
                current = prefix
            }
            let output = current + ".relu"
            writer.addNode("Relu", name: output, inputs: [current], outputs: [output])
            return output
        }
        func block(_ block: ConvBlock, _ input: String) -> String {
            let first = normalizeAndActivate(block.norm1, convolution(block.conv1, input))
            return normalizeAndActivate(block.norm2, convolution(block.conv2, first))
        }
        var current = "input"
        var skips: [String] = []
        for (level, encoder) in model.encoders.enumerated() {
            current = block(encoder, current)
            skips.append(current)
            let pooled = "pool.\(level)"
            writer.addNode("MaxPool", name: pooled, inputs: [current], outputs: [pooled],
                           attributes: [("kernel_shape", .ints([2, 2])), ("strides", .ints([2, 2]))])
            current = pooled
        }
        current = block(model.middle, current)
        for (j, (up, decoder)) in zip(model.ups, model.decoders).enumerated() {
            let upName = "up.\(j)", joined = "concat.\(j)"
            writer.addNode("ConvTranspose", name: upName, inputs: [current, add(up.weight), add(up.bias)], outputs: [upName],
                           attributes: [("kernel_shape", .ints([2, 2])), ("strides", .ints([2, 2]))])
            writer.addNode("Concat", name: joined, inputs: [skips[architecture.depth - 1 - j], upName], outputs: [joined],
                           attributes: [("axis", .int(1))])
            current = block(decoder, joined)
        }
        let logits = convolution(model.head, current)
        writer.addNode("Sigmoid", name: "probabilities", inputs: [logits], outputs: ["probabilities"])
        for (key, value) in metadata.properties { writer.addMetadata(key: key, value: value) }
        return try writer.serialized()
    }
}
