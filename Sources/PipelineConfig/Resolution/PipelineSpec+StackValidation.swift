extension PipelineSpec {
    /// The number of stacked bands when every source lists its `bands`; nil when a source takes all
    /// of its file's bands, a count known only once the file is open.
    public var declaredStackedBandCount: Int? {
        var total = 0
        for source in scene.sources {
            guard let bands = source.bands else { return nil }
            total += bands.count
        }
        return total
    }

    /// Checks the settings whose validity depends on the stacked band count (the sum over sources
    /// of the bands taken from each), once the scene files are open:
    /// - `normalization.scale` and `.offset` (mode per_band) have 1 value or `count`;
    /// - an identity model's `bands` are all `<= count`.
    ///
    /// Errors point at the offending list (or band) in the YAML when the spec was parsed.
    public func validateStackedBandCount(_ count: Int) throws {
        if case .perBand(let parameters) = normalization {
            for (key, values) in [("scale", parameters.scale), ("offset", parameters.offset)]
            where values.count != 1 && values.count != count {
                throw locations.error(
                    .invalidValue, at: FieldPath.root.key("normalization").key(key),
                    "\(key) has \(values.count) values but the scene stacks \(count) bands "
                        + "(give 1 value for all bands, or \(count))")
            }
        }
        if case .identity(let model) = model {
            for (index, band) in model.bands.enumerated() where band > count {
                throw locations.error(
                    .invalidValue, at: FieldPath.root.key("model").key("bands").index(index),
                    "band \(band) is beyond the \(count) stacked bands")
            }
        }
    }

    /// `scene.sources[1] (pipelines/demo.yaml:9)`: how an error about a scene file (missing,
    /// unreadable, too few bands) should name it.
    public func sourceDescription(_ index: Int) -> String {
        locations.describe(.source(index))
    }
}
