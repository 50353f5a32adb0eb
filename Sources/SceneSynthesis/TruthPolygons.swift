import Raster
import Scene

/// Vectorizes the ground-truth mask into one GeoPackage layer, `truth`, with a `class_id` and a
/// `class_name` per polygon (one polygon per connected region of a class, 8-connected), so the
/// polygons match the mask pixel for pixel.
enum TruthPolygons {
    static let layerName = "truth"

    static func write(from mask: Dataset, to path: String, classes: ClassSet, crs: CRS) throws -> [ClassCount] {
        let vector = try VectorDataset.createGeoPackage(path)
        let layer = try vector.createLayer(layerName, crs: crs, fields: [FieldDefinition("class_id", .integer), FieldDefinition("class_name", .string)])
        var counts: [ClassCount] = []
        for (i, sceneClass) in classes.classes.enumerated() {
            let band = try mask.band(i + 1)
            let before = layer.featureCount
            try vector.inTransaction {
                try layer.polygonize(band, mask: band, valueField: 0)
                try vector.executeSQL("UPDATE \(layerName) SET class_id = \(sceneClass.id), class_name = '\(sceneClass.name)' WHERE class_name IS NULL")
            }
            counts.append(ClassCount(sceneClass: sceneClass, count: layer.featureCount - before))
        }
        return counts
    }
}
