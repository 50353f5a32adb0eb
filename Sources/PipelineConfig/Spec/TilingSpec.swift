/// `tiling:` — how the reference grid is cut into square tiles for the model.
public struct TilingSpec: Codable, Equatable, Sendable {
    /// Tile edge in pixels of the reference grid, in `TilingSpec.allowedTileSizes`; nil when the
    /// pipeline leaves it to the run, which follows the model (its `tile_size` metadata, receptive
    /// field and the memory budget; `Defaults.tileSize` without a model).
    public var tileSize: Int?
    /// Pixels shared by neighbouring tiles: even (half of it is trimmed from each side when tiles
    /// are centre-cropped) and `0 <= overlap < tileSize` (so tiles advance); nil when left to the
    /// run (at least twice the model's receptive radius; `Defaults.overlap` without a model).
    public var overlap: Int?
    /// How tiles reaching past the scene's border are filled.
    public var padding: Padding

    /// Below 16 a U-Net's four poolings leave nothing; above 8192 one tile of 20 float bands
    /// (5 GB) no longer fits the bounded-memory promise.
    public static let allowedTileSizes = 16...8192

    public init(
        tileSize: Int? = nil,
        overlap: Int? = nil,
        padding: Padding = PipelineSpec.Defaults.padding
    ) {
        self.tileSize = tileSize
        self.overlap = overlap
        self.padding = padding
    }

}

/// `tiling.padding`: what a tile sees beyond the scene's border.
public enum Padding: String, SchemaEnum {
    /// Mirror image of the scene (without repeating the border pixel).
    case reflect
    /// Zeros (after normalization).
    case zero
    /// The border pixel repeated.
    case edge

    public static let settingName = "padding"
}

/// `blending:` — how overlapping tile predictions are combined.
public struct BlendingSpec: Codable, Equatable, Sendable {
    public var window: BlendWindow

    public init(window: BlendWindow = PipelineSpec.Defaults.blendWindow) {
        self.window = window
    }
}

/// `blending.window`: the per-pixel weight a tile's prediction gets, highest in its centre, where
/// the U-Net saw the most context.
public enum BlendWindow: String, SchemaEnum {
    /// The squared spline window of Smoothly-Blend-Image-Patches.
    case spline
    case hann
    case triangular
    /// No blending: each pixel comes from the tile whose centre region (tile minus half the
    /// overlap on each side) holds it.
    case centreCrop = "none"

    public static let settingName = "blending window"
}
