import CGDAL

/// An OGR geometry owned by Swift (destroyed with it): what vector layers hand out and take.
public final class Geometry {
    let handle: OGRGeometryH

    init(owning handle: OGRGeometryH) { self.handle = handle }

    deinit { OGR_G_DestroyGeometry(handle) }

    /// Parses WKT, e.g. "POLYGON ((0 0, 1 0, 1 1, 0 0))".
    public convenience init(wkt: String) throws {
        GDALRuntime.ensure()
        let copy = strdup(wkt)
        defer { free(copy) }
        // OGR advances the pointer it is given past what it parsed: hand it a second one.
        var cursor: UnsafeMutablePointer<CChar>? = copy
        var geometry: OGRGeometryH? = nil
        try ogrChecked("OGR_G_CreateFromWkt", path: nil) { OGR_G_CreateFromWkt(&cursor, nil, &geometry) }
        guard let geometry else { throw RasterError(code: .vectorFailed, message: "no geometry in WKT", function: "OGR_G_CreateFromWkt") }
        self.init(owning: geometry)
    }

    /// Area in map units² (0 for points and lines); holes are subtracted.
    public var area: Double { OGR_G_Area(handle) }

    /// OGC validity as GEOS checks it (no self-intersection, holes inside their shell, ...).
    public var isValid: Bool {
        CPLErrorReset()
        return OGR_G_IsValid(handle) != 0
    }

    /// "POLYGON", "MULTIPOLYGON", ...
    public var typeName: String { String(cString: OGR_G_GetGeometryName(handle)) }

    /// Vertices over all rings and parts (a measure of size and of what simplification saved).
    public var pointCount: Int { Self.points(handle) }

    private static func points(_ geometry: OGRGeometryH) -> Int {
        let parts = Int(OGR_G_GetGeometryCount(geometry))
        if parts == 0 { return Int(OGR_G_GetPointCount(geometry)) }
        return (0..<parts).reduce(0) { $0 + points(OGR_G_GetGeometryRef(geometry, Int32($1))!) }
    }

    public var wkt: String {
        var text: UnsafeMutablePointer<CChar>? = nil
        _ = OGR_G_ExportToWkt(handle, &text)
        defer { VSIFree(text) }
        return text.map { String(cString: $0) } ?? ""
    }

    /// Douglas–Peucker simplification that keeps the geometry's topology (GEOS
    /// TopologyPreservingSimplifier): rings stay simple, holes stay inside, nothing collapses.
    /// `tolerance` is in map units.
    public func simplifiedPreservingTopology(tolerance: Double) throws -> Geometry {
        let simplified = try gdalChecked("OGR_G_SimplifyPreserveTopology", path: nil, code: .vectorFailed) {
            OGR_G_SimplifyPreserveTopology(handle, tolerance)
        }
        return Geometry(owning: simplified)
    }
}

/// The geometry type of a layer.
public enum GeometryKind: Sendable {
    case polygon, multiPolygon

    var ogr: OGRwkbGeometryType {
        switch self {
        case .polygon: wkbPolygon
        case .multiPolygon: wkbMultiPolygon
        }
    }
}

/// One attribute value of a feature.
public enum FieldValue: Hashable, Sendable {
    case integer(Int), real(Double), string(String), null
}
