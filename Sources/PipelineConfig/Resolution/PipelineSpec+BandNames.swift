extension PipelineSpec {
    /// Every stacked band name the pipeline declares (`scene.sources[i].band_names`), in stack
    /// order: what a rule set's `index` rules may name.
    public var declaredBandNames: [String] {
        scene.sources.flatMap { $0.bandNames ?? [] }
    }

    /// Band name → 1-based stacked band index, once the scene files are open. `sourceBandCounts`
    /// holds how many bands each source contributes to the stack (its `bands` count, or its file's
    /// band count). Throws, at the source's `band_names` line, when a source names more or fewer
    /// bands than it contributes.
    public func stackedBandIndices(sourceBandCounts: [Int]) throws -> [String: Int] {
        precondition(sourceBandCounts.count == scene.sources.count, "one band count per source")
        var indices: [String: Int] = [:]
        var offset = 0
        for (index, source) in scene.sources.enumerated() {
            let count = sourceBandCounts[index]
            if let names = source.bandNames {
                guard names.count == count else {
                    throw locations.error(
                        .invalidValue, at: FieldPath.source(index).key("band_names"),
                        "\(names.count) band names, but \(sourceDescription(index)) gives \(count) bands to the stack")
                }
                for (position, name) in names.enumerated() { indices[name] = offset + position + 1 }
            }
            offset += count
        }
        return indices
    }
}
