/// `outputs:` — where results go and in which forms.
public struct OutputsSpec: Codable, Equatable, Sendable {
    /// As written (relative paths are relative to the caller's working directory). The command
    /// line's `--out` overrides it; nil when the YAML leaves it to the command line.
    public var directory: String?
    /// Never empty, no duplicates.
    public var formats: [OutputFormat]
    /// `simplify`: polygon simplification tolerance in map units (0 keeps pixel outlines).
    public var simplify: Double

    public init(directory: String? = nil, formats: [OutputFormat] = PipelineSpec.Defaults.outputFormats, simplify: Double = 0) {
        self.directory = directory
        self.formats = formats
        self.simplify = simplify
    }
}

/// `outputs.formats[i]`: the one list of what can be asked for. Probabilities are always written
/// (they are the run's resume state, and what `pipeline export` starts from); the others need a
/// class catalogue (`classes:`).
public enum OutputFormat: String, SchemaEnum {
    /// One multi-band Cloud-Optimized GeoTIFF of per-class probabilities on the reference grid.
    case probabilities
    /// `classes.tif`: a single-band label raster with a colour table and category names.
    case classes
    /// `masks/NAME.tif`: one binary COG per class.
    case masks
    /// `polygons.gpkg`: one GeoPackage layer of polygons per class.
    case polygons
    /// `polygons/NAME.geojson`: the same polygons as GeoJSON, one file per class.
    case geojson

    /// The formats made from decided classes (all but `probabilities`).
    public var needsClasses: Bool { self != .probabilities }

    public static let settingName = "output format"
}
