extension Normalization {
    static let yamlKeys = ["mode", "scale", "offset"]

    init(reading section: MappingReader) throws {
        let mode = try section.optional("mode")?.oneOf(NormalizationMode.self) ?? PipelineSpec.Defaults.normalization.mode
        switch mode {
        case .perBand:
            let scaleField = section.optional("scale")
            let offsetField = section.optional("offset")
            let scale = try scaleField?.numbers() ?? PipelineSpec.Defaults.perBandScale
            let offset = try offsetField?.numbers() ?? PipelineSpec.Defaults.perBandOffset
            // Each list must have 1 entry or one per stacked band; two longer lists of different
            // lengths cannot both be right, whatever the scene turns out to hold.
            if scale.count > 1, offset.count > 1, scale.count != offset.count, let offsetField {
                throw offsetField.error(
                    .invalidValue,
                    "offset has \(offset.count) values but scale has \(scale.count) "
                        + "(each needs 1 value, or one per stacked band)")
            }
            self = .perBand(PerBandNormalization(scale: scale, offset: offset))
        case .passThrough, .fromModel:
            try section.reject("scale", onlyValidFor: "normalization mode per_band")
            try section.reject("offset", onlyValidFor: "normalization mode per_band")
            self = mode == .passThrough ? .passThrough : .fromModel
        }
    }
}
