import Raster
import Scene

/// Turns each class of the decided masks into polygons: one per 8-connected region of the whole
/// scene (the connectivity the rules engine uses for components).
///
/// `finish` runs GDALPolygonize on each class's whole band (of the exporter's band-interleaved
/// scratch copy) — so a region that spans strips or tiles is one polygon — into a scratch
/// GeoPackage, then copies every polygon of value 1 to the outputs with its class, area and pixel
/// count, simplified when asked.
///
/// Simplification (`tolerance` > 0, map units) uses GEOS's topology-preserving simplifier on each
/// polygon alone: a valid polygon stays a valid polygon, its holes stay inside it and do not
/// vanish, it does not collapse. Not guaranteed: boundaries shared with other polygons (another
/// class, or a region inside a hole) are simplified independently, so neighbours may then overlap
/// or leave slivers; and polygons whose outline touches itself at a corner (two pixel blocks linked
/// only diagonally, which 8-connectivity makes one region) are already invalid by OGC rules as
/// GDALPolygonize writes them, and stay so.
final class PolygonExport {
    static let fields = [FieldDefinition("class_id", .integer), FieldDefinition("class_name", .string),
                         FieldDefinition("area_m2", .real), FieldDefinition("pixels", .integer64)]

    private let masks: DecidedMasks
    private let source: Dataset
    private let scratchVectorPath: String

    /// `source`: the decided masks, one band per class (values 1, 0, 255), read band by band.
    init(masks: DecidedMasks, source: Dataset, scratchDirectory: String) {
        self.masks = masks
        self.source = source
        scratchVectorPath = "\(scratchDirectory)/polygonize.gpkg"
    }

    /// Polygonizes every class and writes the GeoPackage (`gpkgPath`) and/or one GeoJSON file per
    /// class in `geojsonDirectory`. Returns the number of polygons per class, in class order.
    func finish(gpkgPath: String?, geojsonDirectory: String?, tolerance: Double) throws -> [Int] {
        let grid = masks.grid
        let metres = grid.crs?.metresPerUnit
        let scratch = try VectorDataset.createGeoPackage(scratchVectorPath)
        let geoPackage = try gpkgPath.map { try VectorDataset.createGeoPackage($0) }
        var counts: [Int] = []
        for (k, sceneClass) in masks.classes.classes.enumerated() {
            let band = try source.band(k + 1)
            let regions = try scratch.createLayer("class_\(k + 1)", crs: grid.crs, fields: [FieldDefinition("value", .integer)], geometry: .polygon)
            // Non-zero pixels are polygonized: regions of 1 (kept) and of nodata 255 (skipped below).
            try scratch.inTransaction { try regions.polygonize(band, mask: band, valueField: 0) }
            try regions.setAttributeFilter("value = \(DecidedMasks.present)")

            var outputs: [(VectorDataset, VectorLayer)] = []
            if let geoPackage {
                outputs.append((geoPackage, try geoPackage.createLayer(sceneClass.name, crs: grid.crs, fields: Self.fields, geometry: .polygon)))
            }
            if let geojsonDirectory {
                let file = try VectorDataset.createGeoJSON("\(geojsonDirectory)/\(sceneClass.name).geojson")
                outputs.append((file, try file.createLayer(sceneClass.name, crs: grid.crs, fields: Self.fields, geometry: .polygon)))
            }
            var count = 0
            try inTransactions(outputs.map(\.0)) {
                try regions.forEachGeometry { region in
                    // Unsimplified outlines follow pixel edges, so the area is an exact pixel count.
                    let pixels = Int((region.area / grid.pixelArea).rounded())
                    let polygon = tolerance > 0 ? try region.simplifiedPreservingTopology(tolerance: tolerance) : region
                    let area: FieldValue = metres.map { .real(polygon.area * $0 * $0) } ?? .null
                    let values: [FieldValue] = [.integer(sceneClass.id), .string(sceneClass.name), area, .integer(pixels)]
                    for (_, layer) in outputs { try layer.addFeature(geometry: polygon, values: values) }
                    count += 1
                }
            }
            counts.append(count)
        }
        return counts  // the scratch GeoPackage goes with the exporter's scratch folder, once closed
    }

    private func inTransactions(_ datasets: [VectorDataset], _ body: () throws -> Void) throws {
        guard let first = datasets.first else { return try body() }
        try first.inTransaction { try inTransactions(Array(datasets.dropFirst()), body) }
    }
}
