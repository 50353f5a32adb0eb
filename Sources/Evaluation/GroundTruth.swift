/// Where ground truth comes from.
public enum GroundTruth: Sendable, Equatable {
    /// A raster with one band per class (non-zero = present). Bands match the run's classes by
    /// their descriptions when every band is named, otherwise by order.
    case masks(path: String)
    /// Polygons with a class column (`class_id`, else `class_name`), rasterized onto the run's grid.
    /// `layer` nil means the file's only layer.
    case polygons(path: String, layer: String?)

    /// Vector files by extension (.gpkg, .geojson, .json, .shp, .fgb), rasters otherwise.
    public static func detect(path: String, layer: String? = nil) -> GroundTruth {
        let lower = path.lowercased()
        let vector = [".gpkg", ".geojson", ".json", ".shp", ".fgb"].contains { lower.hasSuffix($0) }
        return vector ? .polygons(path: path, layer: layer) : .masks(path: path)
    }

    public var path: String {
        switch self {
        case .masks(let path), .polygons(let path, _): path
        }
    }
}

/// An error about ground truth or the comparison: what is wrong and the file (and field) it is
/// about. One line.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let crsMismatch = Code(name: "crsMismatch")
        public static let noOverlap = Code(name: "noOverlap")
        public static let bandMismatch = Code(name: "bandMismatch")
        public static let missingClassColumn = Code(name: "missingClassColumn")
        public static let notGeoreferenced = Code(name: "notGeoreferenced")
    }

    public var code: Code
    public var message: String
    public var location: String

    public init(code: Code, message: String, location: String) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}
