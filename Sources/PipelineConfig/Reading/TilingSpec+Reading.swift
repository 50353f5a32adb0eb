extension TilingSpec {
    static let yamlKeys = ["tile_size", "overlap", "padding"]

    init(reading section: MappingReader) throws {
        let tileSizeField = section.optional("tile_size")
        let tileSize = try tileSizeField?.integer() ?? PipelineSpec.Defaults.tileSize
        if let tileSizeField, !Self.allowedTileSizes.contains(tileSize) {
            throw tileSizeField.error(
                .invalidValue,
                "tile size \(tileSize) is out of range "
                    + "(\(Self.allowedTileSizes.lowerBound) to \(Self.allowedTileSizes.upperBound))")
        }

        let overlapField = section.optional("overlap")
        let overlap = try overlapField?.integer() ?? PipelineSpec.Defaults.overlap
        if let overlapField {
            guard overlap >= 0 else {
                throw overlapField.error(.invalidValue, "overlap \(overlap) must not be negative")
            }
            guard overlap < tileSize else {
                throw overlapField.error(
                    .invalidValue, "overlap \(overlap) must be smaller than the tile size \(tileSize)")
            }
            guard overlap.isMultiple(of: 2) else {
                throw overlapField.error(
                    .invalidValue,
                    "overlap \(overlap) must be even (half of it is trimmed from each side of a tile)")
            }
        } else if overlap >= tileSize, let tileSizeField {
            // Only a small tile size can clash with the default overlap: blame the value written.
            throw tileSizeField.error(
                .invalidValue,
                "tile size \(tileSize) leaves no room for the default overlap \(overlap) "
                    + "(set tiling.overlap below \(tileSize))")
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
