/// `model:` — what turns a tile of stacked, normalized bands into per-class probabilities.
///
/// An enum so that each kind carries only its own settings (the YAML reader rejects the other
/// kind's keys). Encodes flat, as in the YAML: `{"kind": "onnx", "path": ..., "tta": ...}`.
public enum ModelSpec: Equatable, Sendable {
    case identity(IdentityModel)
    case onnx(ONNXModel)

    public var kind: ModelKind {
        switch self {
        case .identity: .identity
        case .onnx: .onnx
        }
    }

    /// Class names when the pipeline gives them; nil for an onnx model that takes them from its
    /// metadata.
    public var classes: [String]? {
        switch self {
        case .identity(let model): model.classes
        case .onnx(let model): model.classes
        }
    }
}

/// `model.kind`.
public enum ModelKind: String, SchemaEnum {
    case identity
    case onnx

    public static let settingName = "model kind"
}

/// `kind: identity` — no network: each output class is one stacked band (after normalization),
/// clamped to [0, 1]. Exercises the whole pipeline (tiling, blending, export) without a model, and
/// gives outputs that can be checked against the input.
public struct IdentityModel: Codable, Equatable, Sendable {
    /// 1-based indices into the stacked bands, one per output class. Never empty, each >= 1, no
    /// duplicates; `<=` the stack's band count (checked by `validateStackedBandCount(_:)`).
    public var bands: [Int]
    /// One name per entry of `bands`, unique.
    public var classes: [String]
    /// `tile_signature`: add a small offset that depends on the tile's place in the grid, so the
    /// stitched output depends on every tile's blending weight and position (a drill for stitching
    /// and distribution: a tile put in the wrong place, or weighted wrongly, changes the bytes).
    public var tileSignature: Bool

    /// `classes` defaults to `band_<i>` for each band.
    public init(bands: [Int], classes: [String]? = nil, tileSignature: Bool = false) {
        self.bands = bands
        self.classes = classes ?? bands.map(PipelineSpec.Defaults.identityClassName(band:))
        self.tileSignature = tileSignature
    }
}

/// `kind: onnx` — a U-Net (or any segmentation network) in ONNX format.
public struct ONNXModel: Codable, Equatable, Sendable {
    /// The model file: absolute, or resolved from the YAML's folder and normalized.
    public var path: String
    /// Overrides the class names in the model's metadata when set; unique. How many the model
    /// outputs is known once it is loaded.
    public var classes: [String]?
    public var tta: TestTimeAugmentation
    public var merge: TTAMerge

    public init(
        path: String, classes: [String]? = nil,
        tta: TestTimeAugmentation = PipelineSpec.Defaults.testTimeAugmentation,
        merge: TTAMerge = PipelineSpec.Defaults.merge
    ) {
        self.path = path
        self.classes = classes
        self.tta = tta
        self.merge = merge
    }
}

/// `model.tta`: test-time augmentation.
public enum TestTimeAugmentation: String, SchemaEnum {
    /// The tile as it is: one forward pass.
    case disabled = "none"
    /// The 8 rotations and reflections of the square (the dihedral group D4): 8 forward passes,
    /// each prediction transformed back, then merged.
    case d4

    public static let settingName = "tta mode"
}

/// `model.merge`: how the TTA predictions of one pixel are combined.
public enum TTAMerge: String, SchemaEnum {
    case mean
    case geometricMean = "geometric_mean"
    case max

    public static let settingName = "merge"
}

extension ModelSpec: Codable {
    private enum KindKey: String, CodingKey {
        case kind
    }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(ModelKind.self, forKey: .kind)
        switch kind {
        case .identity: self = .identity(try IdentityModel(from: decoder))
        case .onnx: self = .onnx(try ONNXModel(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        // Same keyed container level as `kind`, so the JSON stays flat like the YAML.
        switch self {
        case .identity(let model): try model.encode(to: encoder)
        case .onnx(let model): try model.encode(to: encoder)
        }
    }
}
