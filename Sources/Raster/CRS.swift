import CGDAL

/// A coordinate reference system, carried as WKT (what GDAL stores) with the EPSG code when one is
/// known. Built from an EPSG code, or from any definition GDAL understands (WKT, PROJ, "EPSG:32631").
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    public let wkt: String
    /// The EPSG code of the CRS itself, when it has one (identified from the WKT by GDAL/PROJ).
    public let epsg: Int?
    /// The CRS's human name, e.g. "WGS 84 / UTM zone 31N".
    public let name: String
    /// The unit of map coordinates: "metre" for projected CRSs like UTM, "degree" for geographic.
    public let unitName: String

    public init(epsg code: Int) throws {
        try self.init(definition: "EPSG:\(code)")
    }

    /// Parses any definition `OSRSetFromUserInput` accepts.
    public init(definition: String) throws {
        try self.init(SpatialReferenceHandle(wkt: definition))
    }

    /// Reads a CRS from WKT as stored in a dataset; nil for an empty string (no CRS).
    init?(wkt: String) throws {
        guard !wkt.isEmpty else { return nil }
        try self.init(SpatialReferenceHandle(wkt: wkt))
    }

    private init(_ srs: SpatialReferenceHandle) throws {
        var text: UnsafeMutablePointer<CChar>? = nil
        try ogrChecked("OSRExportToWkt", path: nil) { OSRExportToWkt(srs.handle, &text) }
        defer { VSIFree(text) }
        wkt = text.map { String(cString: $0) } ?? ""
        name = OSRGetName(srs.handle).map { String(cString: $0) } ?? "unnamed"
        epsg = srs.epsgCode()
        unitName = srs.unitName()
    }

    /// "EPSG:32631" when there is a code, otherwise the CRS name.
    public var description: String { epsg.map { "EPSG:\($0)" } ?? name }

    public static func == (lhs: CRS, rhs: CRS) -> Bool { lhs.wkt == rhs.wkt }
    public func hash(into hasher: inout Hasher) { hasher.combine(wkt) }

    /// True when GDAL considers the two CRSs the same, even if their WKT texts differ.
    public func isEquivalent(to other: CRS) -> Bool {
        guard let a = try? SpatialReferenceHandle(wkt: wkt), let b = try? SpatialReferenceHandle(wkt: other.wkt) else {
            return false
        }
        return OSRIsSame(a.handle, b.handle) != 0
    }
}

/// Owns an `OGRSpatialReferenceH` and destroys it.
final class SpatialReferenceHandle {
    let handle: OGRSpatialReferenceH

    init() throws {
        GDALRuntime.ensure()
        handle = try gdalChecked("OSRNewSpatialReference", path: nil, code: .crsFailed) { OSRNewSpatialReference(nil) }
    }

    /// Parses WKT, PROJ strings or "EPSG:n" (anything `OSRSetFromUserInput` takes).
    convenience init(wkt: String) throws {
        try self.init()
        try ogrChecked("OSRSetFromUserInput", path: nil) { OSRSetFromUserInput(handle, wkt) }
    }

    deinit { OSRDestroySpatialReference(handle) }

    func unitName() -> String {
        var name: UnsafeMutablePointer<CChar>? = nil
        if OSRIsGeographic(handle) != 0 {
            _ = OSRGetAngularUnits(handle, &name)
        } else {
            _ = OSRGetLinearUnits(handle, &name)
        }
        return name.map { String(cString: $0) } ?? "unknown"
    }

    /// The EPSG code of the CRS: the authority code when the WKT has one, else PROJ's identification.
    func epsgCode() -> Int? {
        if let authority = OSRGetAuthorityName(handle, nil), String(cString: authority) == "EPSG",
           let code = OSRGetAuthorityCode(handle, nil) {
            return Int(String(cString: code))
        }
        guard let clone = OSRClone(handle) else { return nil }
        defer { OSRDestroySpatialReference(clone) }
        guard OSRAutoIdentifyEPSG(clone) == OGRERR_NONE,
              let code = OSRGetAuthorityCode(clone, nil) else { return nil }
        return Int(String(cString: code))
    }
}

extension CRS {
    /// The bounding box, in `target`, of `bounds` given in this CRS (edges densified, so curved
    /// reprojected edges are covered).
    public func transform(_ bounds: MapBounds, to target: CRS) throws -> MapBounds {
        let source = try SpatialReferenceHandle(wkt: wkt), destination = try SpatialReferenceHandle(wkt: target.wkt)
        OSRSetAxisMappingStrategy(source.handle, OAMS_TRADITIONAL_GIS_ORDER)
        OSRSetAxisMappingStrategy(destination.handle, OAMS_TRADITIONAL_GIS_ORDER)
        let transformation = try gdalChecked("OCTNewCoordinateTransformation", path: nil, code: .crsFailed) {
            OCTNewCoordinateTransformation(source.handle, destination.handle)
        }
        defer { OCTDestroyCoordinateTransformation(transformation) }
        var out = MapBounds(minX: 0, minY: 0, maxX: 0, maxY: 0)
        CPLErrorReset()
        guard OCTTransformBounds(transformation, bounds.minX, bounds.minY, bounds.maxX, bounds.maxY,
                                 &out.minX, &out.minY, &out.maxX, &out.maxY, 21) != 0 else {
            throw RasterError(code: .crsFailed, message: "cannot transform \(bounds) from \(self) to \(target): \(lastGDALMessage())",
                              function: "OCTTransformBounds")
        }
        return out
    }
}
