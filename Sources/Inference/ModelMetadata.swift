import Foundation

/// What a model says about the data it expects, read from string key/value properties (ONNX
/// `metadata_props`). Recognized keys (others are kept in `properties`):
/// - `class_names`: comma-separated, or a JSON array of strings
/// - `input_bands`: band names in input channel order, comma-separated or a JSON array
/// - `input_band_count` (or `in_ch`): number of input bands
/// - `normalization_mean`, `normalization_std`: per-band values, comma-separated or JSON arrays;
///   the model expects `(x - mean) / std`
/// - `tile_size` (or `tile`): recommended square tile size in pixels
public struct ModelMetadata: Sendable, Equatable {
    public var properties: [String: String] = [:]
    public var classNames: [String]?
    public var inputBands: [String]?
    public var inputBandCount: Int?
    public var normalization: Normalization?
    public var recommendedTileSize: Int?

    /// Per-band normalization, `(x - mean[b]) / std[b]`.
    public struct Normalization: Sendable, Equatable {
        public var mean: [Float]
        public var std: [Float]
        public init(mean: [Float], std: [Float]) { (self.mean, self.std) = (mean, std) }
    }

    public init() {}

    /// Parses the recognized keys; a malformed value throws one error naming the key.
    public init(properties: [String: String]) throws {
        self.properties = properties
        func list(_ key: String) throws -> [String]? {
            guard let raw = properties[key]?.trimmingCharacters(in: .whitespaces) else { return nil }
            if raw.hasPrefix("[") {
                if let strings = try? JSONDecoder().decode([String].self, from: Data(raw.utf8)) { return strings }
                if let numbers = try? JSONDecoder().decode([Double].self, from: Data(raw.utf8)) { return numbers.map { "\($0)" } }
                throw InferenceError(code: .invalidMetadata, message: "metadata '\(key)' is not a JSON array of strings or numbers: \(raw)")
            }
            return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func integer(_ keys: String...) throws -> Int? {
            for key in keys {
                guard let raw = properties[key] else { continue }
                guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value > 0 else {
                    throw InferenceError(code: .invalidMetadata, message: "metadata '\(key)' is not a positive integer: \(raw)")
                }
                return value
            }
            return nil
        }
        func floats(_ key: String) throws -> [Float]? {
            try list(key).map { items in
                try items.map { item in
                    guard let value = Float(item) else {
                        throw InferenceError(code: .invalidMetadata, message: "metadata '\(key)' has a non-number '\(item)'")
                    }
                    return value
                }
            }
        }
        classNames = try list("class_names")
        inputBands = try list("input_bands")
        inputBandCount = try integer("input_band_count", "in_ch") ?? inputBands?.count
        recommendedTileSize = try integer("tile_size", "tile")
        let mean = try floats("normalization_mean"), std = try floats("normalization_std")
        switch (mean, std) {
        case (nil, nil): break
        case (let mean?, let std?) where mean.count == std.count && !std.contains(0):
            normalization = Normalization(mean: mean, std: std)
        default:
            throw InferenceError(code: .invalidMetadata,
                                 message: "normalization_mean and normalization_std must both be given, of equal length, std non-zero")
        }
        if let inputBandCount, let bands = inputBands, bands.count != inputBandCount {
            throw InferenceError(code: .invalidMetadata, message: "input_bands lists \(bands.count) bands, input_band_count says \(inputBandCount)")
        }
        if let inputBandCount, let normalization, normalization.mean.count != inputBandCount {
            throw InferenceError(code: .invalidMetadata,
                                 message: "normalization has \(normalization.mean.count) values for \(inputBandCount) bands")
        }
    }
}

extension Graph {
    /// The number of input bands the model expects: from its metadata, else its declared input.
    public var expectedBandCount: Int? { metadata.inputBandCount ?? inputChannels }

    /// Throws one error with both numbers when a scene with `bandCount` bands cannot feed this model.
    public func checkBandCount(_ bandCount: Int) throws {
        if let expected = expectedBandCount, expected != bandCount {
            throw InferenceError(code: .bandCountMismatch,
                                 message: "the model expects \(expected) input bands, the data has \(bandCount)")
        }
    }
}
