import Foundation
import Raster
import Scene

/// Ground truth on the run's grid, read strip by strip as one presence flag per class and a
/// validity flag per pixel.
struct TruthRaster {
    /// How truth bands were matched to the run's classes ("band order", "band name", "class_id", "class_name").
    let matchedBy: String
    private let dataset: Dataset
    /// 1-based bands of `dataset`, in the run's class order.
    private let bands: [Int]
    /// UInt8 reads on the same grid, or Float32 reads of a warped view (NaN outside or nodata).
    private let warped: Bool
    private let noData: Double?

    /// Opens or prepares `truth` for `masks`' grid; polygons are rasterized into `scratchDirectory`.
    init(_ truth: GroundTruth, masks: DecidedMasks, scratchDirectory: String) throws {
        switch truth {
        case .masks(let path): try self.init(maskPath: path, masks: masks)
        case .polygons(let path, let layer): try self.init(polygonPath: path, layerName: layer, masks: masks, scratchDirectory: scratchDirectory)
        }
    }

    private init(maskPath path: String, masks: DecidedMasks) throws {
        let dataset = try Dataset.open(path)
        guard let transform = dataset.geoTransform else {
            throw EvaluationError(code: .notGeoreferenced, message: "has no geotransform; truth must be georeferenced", location: path)
        }
        let grid = RasterGrid(crs: try dataset.crs, geoTransform: transform, width: dataset.width, height: dataset.height)
        try Self.checkCRS(grid.crs, against: masks.grid, location: path)
        try Self.checkOverlap(grid.bounds, against: masks.grid, location: path)
        let classes = masks.classes.classes
        guard dataset.bandCount == classes.count else {
            throw EvaluationError(code: .bandMismatch, message: "has \(dataset.bandCount) bands; the run has \(classes.count) classes (\(classes.map(\.name).joined(separator: ", "))), one band per class", location: path)
        }
        let names = try dataset.bands.map(\.name)
        if names.allSatisfy({ !$0.isEmpty }) {
            bands = try classes.map { sceneClass in
                guard let i = names.firstIndex(of: sceneClass.name) else {
                    throw EvaluationError(code: .bandMismatch, message: "no band is named '\(sceneClass.name)' (band names: \(names.joined(separator: ", "))); name bands after the classes or leave them unnamed to match by order", location: path)
                }
                return i + 1
            }
            matchedBy = "band name"
        } else {
            bands = Array(1...classes.count)
            matchedBy = "band order"
        }
        warped = !grid.isSameGrid(as: masks.grid)
        noData = try dataset.band(1).noDataValue
        self.dataset = warped ? try dataset.warped(to: masks.grid, resampling: .nearest, bands: bands, sourceNoData: noData) : dataset
    }

    private init(polygonPath path: String, layerName: String?, masks: DecidedMasks, scratchDirectory: String) throws {
        let vector = try VectorDataset.open(path)
        let layer = try layerName.map { try vector.layer(named: $0) } ?? vector.onlyLayer()
        let location = "\(path) (layer '\(layer.name)')"
        guard let crs = try layer.crs else {
            throw EvaluationError(code: .crsMismatch, message: "has no CRS; the run's grid is in \(masks.grid.crs.map(\.description) ?? "no CRS")", location: location)
        }
        try Self.checkCRS(crs, against: masks.grid, location: location)
        guard let extent = layer.extent else {
            throw EvaluationError(code: .noOverlap, message: "has no features", location: location)
        }
        try Self.checkOverlap(extent, against: masks.grid, location: location)
        let fields = layer.fieldNames
        let filters: [String]
        if fields.contains("class_id") {
            filters = masks.classes.classes.map { "class_id = \($0.id)" }
            matchedBy = "class_id"
        } else if fields.contains("class_name") {
            filters = masks.classes.classes.map { "class_name = '\($0.name.replacingOccurrences(of: "'", with: "''"))'" }
            matchedBy = "class_name"
        } else {
            throw EvaluationError(code: .missingClassColumn, message: "has no class column (class_id or class_name); its fields: \(fields.isEmpty ? "none" : fields.joined(separator: ", "))", location: location)
        }
        let burns = filters.enumerated().map { Burn(band: $0.offset + 1, value: 1, filter: $0.element) }
        dataset = try Dataset.rasterize(layer, onto: masks.grid, path: "\(scratchDirectory)/truth.tif", bandCount: burns.count, burns: burns)
        bands = Array(1...burns.count)
        warped = false
        noData = nil
    }

    /// Presence (band-sequential, class order; 1 = present) and validity (1 = valid) of the truth
    /// in `window`.
    func read(_ window: PixelWindow) throws -> (present: [UInt8], valid: [UInt8]) {
        let n = window.pixelCount
        var valid = [UInt8](repeating: 1, count: n)
        if warped {
            let values = try dataset.read(Float.self, window: window)
            var present = [UInt8](repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                if v.isNaN { valid[i % n] = 0 } else if v != 0 { present[i] = 1 }
            }
            return (present, valid)
        }
        var values = try dataset.read(UInt8.self, bands: bands, window: window)
        let missing = noData.flatMap { UInt8(exactly: $0) }
        for i in values.indices {
            if let missing, values[i] == missing {
                valid[i % n] = 0
                values[i] = 0
            } else if values[i] != 0 {
                values[i] = 1
            }
        }
        return (values, valid)
    }

    private static func checkCRS(_ crs: CRS?, against grid: RasterGrid, location: String) throws {
        switch (crs, grid.crs) {
        case (nil, nil): return
        case let (a?, b?) where a == b || a.isEquivalent(to: b): return
        default:
            throw EvaluationError(code: .crsMismatch, message: "truth is in \(crs.map(\.description) ?? "no CRS"), the run's grid in \(grid.crs.map(\.description) ?? "no CRS"); reproject the truth onto the run's CRS", location: location)
        }
    }

    private static func checkOverlap(_ bounds: MapBounds, against grid: RasterGrid, location: String) throws {
        guard bounds.intersects(grid.bounds) else {
            throw EvaluationError(code: .noOverlap, message: "does not overlap the run's grid (truth \(bounds); grid \(grid.bounds))", location: location)
        }
    }
}
