import Raster

/// Reads a scene's ground truth onto its reference grid as 0/1 planes, one per training class:
/// from a mask raster (one band per class) or from polygons rasterized by GDAL.
public enum TruthLoader {
    /// A mask raster on the reference grid. Bands named after classes (as `pipeline synth` writes
    /// them) are matched by name; unnamed bands must be exactly one per class, in `classes` order.
    /// `catalogue`: every class name a band may carry. Any non-zero value counts as 1.
    public static func mask(path: String, grid: RasterGrid, classes: [String], catalogue: [String], origin: String) throws -> [UInt8] {
        let dataset: Dataset
        do { dataset = try Dataset.open(path) } catch {
            throw TrainingRunError(code: .badTruth, message: "cannot open the truth mask: \(error)", location: origin)
        }
        guard dataset.width == grid.width, dataset.height == grid.height else {
            throw TrainingRunError(
                code: .badTruth,
                message: "the truth mask '\(path)' is \(dataset.width) x \(dataset.height) px but the scene's reference grid is \(grid.width) x \(grid.height)",
                location: origin)
        }
        let names = (1...dataset.bandCount).map { (try? dataset.band($0).name) ?? "" }
        let bands: [Int]
        if names.allSatisfy({ $0.isEmpty }) {
            guard names.count == classes.count else {
                throw TrainingRunError(
                    code: .badTruth,
                    message: "the truth mask '\(path)' has \(names.count) unnamed bands for \(classes.count) classes (give one band per class, or name the bands after the classes)",
                    location: origin)
            }
            bands = Array(1...names.count)
        } else {
            for (index, name) in names.enumerated() where !catalogue.contains(name) {
                throw TrainingRunError(
                    code: .badTruth, message: "band \(index + 1) of the truth mask '\(path)' is '\(name)', not a class of the catalogue",
                    location: origin)
            }
            bands = try classes.map { name in
                guard let index = names.firstIndex(of: name) else {
                    throw TrainingRunError(
                        code: .badTruth,
                        message: "the truth mask '\(path)' has no band for class '\(name)' (its bands: \(names.joined(separator: ", ")))",
                        location: origin)
                }
                return index + 1
            }
        }
        let values = try dataset.read(UInt8.self, bands: bands, window: PixelWindow(col: 0, row: 0, width: grid.width, height: grid.height))
        return values.map { $0 == 0 ? 0 : 1 }
    }

    /// Polygons whose `classColumn` names a class, burnt onto `grid`. Every value of the column
    /// must be a catalogue class; classes not trained on are ignored.
    public static func polygons(
        path: String, layer layerName: String?, classColumn: String, grid: RasterGrid, classes: [String], catalogue: [String],
        origin: String
    ) throws -> [UInt8] {
        do {
            let layer = try VectorDataset.open(path).layer(named: layerName)
            let values = try layer.distinctValues(of: classColumn)
            if let unknown = values.first(where: { !catalogue.contains($0) }) {
                throw TrainingRunError(
                    code: .badTruth,
                    message: "the truth polygons '\(path)' have \(classColumn) '\(unknown)', not a class of the catalogue",
                    location: origin)
            }
            return try layer.rasterizeMasks(field: classColumn, values: classes, grid: grid)
        } catch let error as RasterError {
            throw TrainingRunError(code: .badTruth, message: "cannot read the truth polygons: \(error)", location: origin)
        }
    }
}
