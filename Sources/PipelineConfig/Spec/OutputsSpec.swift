/// `outputs:` — where results go and in which forms.
public struct OutputsSpec: Codable, Equatable, Sendable {
    /// As written (relative paths are relative to the caller's working directory). The command
    /// line's `--out` overrides it; nil when the YAML leaves it to the command line.
    public var directory: String?
    /// Never empty, no duplicates.
    public var formats: [OutputFormat]

    public init(directory: String? = nil, formats: [OutputFormat] = PipelineSpec.Defaults.outputFormats) {
        self.directory = directory
        self.formats = formats
    }
}

/// `outputs.formats[i]`. This enum is the one list of what can be asked for; later outputs
/// (class layers, a label raster, polygons, a run report) are added here as they are built.
public enum OutputFormat: String, SchemaEnum {
    /// One multi-band Cloud-Optimized GeoTIFF of per-class probabilities on the reference grid.
    case probabilities

    public static let settingName = "output format"
}
