/// `normalization:` — how stacked pixel values are turned into the model's inputs.
///
/// An enum so that scale and offset exist only where they mean something. Encodes flat, as in the
/// YAML: `{"mode": "per_band", "scale": [...], "offset": [...]}`.
public enum Normalization: Equatable, Sendable {
    /// `mode: none`: values go to the model as read.
    case passThrough
    /// `mode: per_band`: `normalized = value * scale + offset`, band by band.
    case perBand(PerBandNormalization)
    /// `mode: model`: scale and offset come from the model's metadata.
    case fromModel

    public var mode: NormalizationMode {
        switch self {
        case .passThrough: .passThrough
        case .perBand: .perBand
        case .fromModel: .fromModel
        }
    }
}

/// `normalization.mode`.
public enum NormalizationMode: String, SchemaEnum {
    case perBand = "per_band"
    case fromModel = "model"
    case passThrough = "none"

    public static let settingName = "normalization mode"
}

/// `normalization.scale` and `.offset` in mode `per_band`.
///
/// Each list has one value (used for every band) or one per stacked band; which count is right is
/// known once the scene is open (`PipelineSpec.validateStackedBandCount(_:)`).
public struct PerBandNormalization: Codable, Equatable, Sendable {
    public var scale: [Double]
    public var offset: [Double]

    public init(
        scale: [Double] = PipelineSpec.Defaults.perBandScale,
        offset: [Double] = PipelineSpec.Defaults.perBandOffset
    ) {
        self.scale = scale
        self.offset = offset
    }

    /// Scale of stacked band `index` (0-based), broadcasting a single value.
    public func scale(ofBand index: Int) -> Double {
        scale.count == 1 ? scale[0] : scale[index]
    }

    /// Offset of stacked band `index` (0-based), broadcasting a single value.
    public func offset(ofBand index: Int) -> Double {
        offset.count == 1 ? offset[0] : offset[index]
    }
}

extension Normalization: Codable {
    private enum ModeKey: String, CodingKey {
        case mode
    }

    public init(from decoder: any Decoder) throws {
        let mode = try decoder.container(keyedBy: ModeKey.self).decode(NormalizationMode.self, forKey: .mode)
        switch mode {
        case .passThrough: self = .passThrough
        case .perBand: self = .perBand(try PerBandNormalization(from: decoder))
        case .fromModel: self = .fromModel
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ModeKey.self)
        try container.encode(mode, forKey: .mode)
        if case .perBand(let parameters) = self {
            // Same keyed container level as `mode`, so the JSON stays flat like the YAML.
            try parameters.encode(to: encoder)
        }
    }
}
