extension TilingSpec {
    static let yamlKeys = ["tile_size", "overlap", "padding"]

    init(reading section: MappingReader) throws {
        // Either may be left out: the run then chooses it from the model (see TilingSpec).
        let tileSizeField = section.optional("tile_size")
        let tileSize = try tileSizeField?.integer()
        if let tileSizeField, let tileSize, !Self.allowedTileSizes.contains(tileSize) {
            throw tileSizeField.error(
                .invalidValue,
                "tile size \(tileSize) is out of range "
                    + "(\(Self.allowedTileSizes.lowerBound) to \(Self.allowedTileSizes.upperBound))")
        }

        let overlapField = section.optional("overlap")
        let overlap = try overlapField?.integer()
        if let overlapField, let overlap {
            guard overlap >= 0 else {
                throw overlapField.error(.invalidValue, "overlap \(overlap) must not be negative")
            }
            if let tileSize, overlap >= tileSize {
                throw overlapField.error(
                    .invalidValue, "overlap \(overlap) must be smaller than the tile size \(tileSize)")
            }
            guard overlap < Self.allowedTileSizes.upperBound else {
                throw overlapField.error(
                    .invalidValue, "overlap \(overlap) must be smaller than the largest tile size \(Self.allowedTileSizes.upperBound)")
            }
            guard overlap.isMultiple(of: 2) else {
                throw overlapField.error(
                    .invalidValue,
                    "overlap \(overlap) must be even (half of it is trimmed from each side of a tile)")
            }
        }

        let padding = try section.optional("padding")?.oneOf(Padding.self) ?? PipelineSpec.Defaults.padding
        self.init(tileSize: tileSize, overlap: overlap, padding: padding)
    }
}

extension BlendingSpec {
    static let yamlKeys = ["window"]

    init(reading section: MappingReader) throws {
        self.init(window: try section.optional("window")?.oneOf(BlendWindow.self) ?? PipelineSpec.Defaults.blendWindow)
    }
}
