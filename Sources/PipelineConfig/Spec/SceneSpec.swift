/// `scene:` — the files whose bands are stacked, in order, into one multi-band scene.
public struct SceneSpec: Codable, Equatable, Sendable {
    /// Substituted for `{id}` in source paths unless the caller gives one (`--scene-id` wins).
    public var id: String?
    /// Never empty. The stacked bands are those of `sources[0]`, then `sources[1]`, and so on.
    public var sources: [SourceSpec]
    /// 0-based index into `sources` of the source whose grid (CRS, geotransform, size) every
    /// other source is resampled onto; always in range.
    public var reference: Int

    public init(id: String? = nil, sources: [SourceSpec], reference: Int = PipelineSpec.Defaults.reference) {
        self.id = id
        self.sources = sources
        self.reference = reference
    }
}

/// One scene file (`scene.sources[i]`).
public struct SourceSpec: Codable, Equatable, Sendable {
    /// As written: may contain `{id}`; relative paths are relative to the scene folder the caller
    /// names. See `PipelineSpec.resolvedSourcePaths(sceneDirectory:sceneID:)`. Empty when `asset`
    /// names the source instead.
    public var path: String
    /// `asset:` — the key of a STAC item's asset that is this source (`pan`, `ms`), for scenes
    /// listed in a STAC ItemCollection (`run --scenes items.json`); nil when `path` names it.
    public var asset: String?
    /// 1-based band indices to take from the file, in this order; nil takes every band.
    /// Never empty, every index >= 1, no duplicates.
    public var bands: [Int]?
    /// How this file's bands are brought onto the reference grid.
    public var resampling: Resampling
    /// Replaces the file's own nodata value when set.
    public var nodata: Double?
    /// `band_names`: names for the bands taken from this file, in order (one per entry of `bands`,
    /// or per band of the file), for rules that read bands by name. Unique across the scene.
    public var bandNames: [String]?

    /// The default `resampling` suits a non-reference source; pass `Defaults.referenceResampling`
    /// (nearest) for the reference one, as the YAML reader does.
    public init(
        path: String, bands: [Int]? = nil, resampling: Resampling = PipelineSpec.Defaults.resampling,
        nodata: Double? = nil, bandNames: [String]? = nil, asset: String? = nil
    ) {
        self.path = path
        self.asset = asset
        self.bands = bands
        self.resampling = resampling
        self.nodata = nodata
        self.bandNames = bandNames
    }
}

/// `scene.sources[i].resampling`; the names of GDAL's resampling algorithms.
public enum Resampling: String, SchemaEnum {
    case nearest
    case bilinear
    case cubic
    case average

    public static let settingName = "resampling"
}
