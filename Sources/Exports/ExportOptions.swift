/// A map product that `Exporter` can write (the names are those of `outputs.formats`).
public enum ExportFormat: String, CaseIterable, Codable, Sendable {
    /// `classes.tif`: one UInt8 label band, colour table and category names.
    case classes
    /// `masks/NAME.tif`: one binary COG per class.
    case masks
    /// `polygons.gpkg`: one GeoPackage layer per class.
    case polygons
    /// `polygons/NAME.geojson`: the same polygons, one GeoJSON file per class.
    case geojson
}

public struct ExportOptions: Sendable {
    public var formats: Set<ExportFormat>
    /// Polygon simplification tolerance in map units (metres for UTM); 0 keeps the exact pixel
    /// outlines. Simplification preserves each polygon's topology (see `PolygonExport`).
    public var simplifyTolerance: Double
    /// Memory for one strip of the decided masks (all classes); bounds the strip height.
    public var stripBudgetBytes: Int

    /// Masks held at once by the strip-wise exports unless a memory budget leaves less.
    public static let defaultStripBudgetBytes = 32 << 20

    public init(formats: Set<ExportFormat>, simplifyTolerance: Double = 0, stripBudgetBytes: Int = defaultStripBudgetBytes) {
        self.formats = formats
        self.simplifyTolerance = simplifyTolerance
        self.stripBudgetBytes = stripBudgetBytes
    }
}

/// An error of the exports: what failed and the file or setting it is about. One line.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let invalidArgument = Code(name: "invalidArgument")
        public static let classOutOfRange = Code(name: "classOutOfRange")
    }

    public var code: Code
    public var message: String
    public var location: String?

    public init(code: Code, message: String, location: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }
}
