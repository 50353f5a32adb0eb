import Foundation
import Raster
import Scene

/// Everything that changes a run's stitched bytes, recorded in the journal: a resume with any
/// difference is refused, so one output never mixes tiles of two configurations. Post-processing
/// rules and exports are not here: they run after stitching and can be redone at will.
struct RunIdentity: Codable, Equatable {
    var grid: String
    var crs: String
    var sources: [String]
    var tiling: String
    var padding: String
    var blending: String
    var normalization: String
    var classes: [String]
    var modelSHA256: String
    var modelOptions: String

    init(stack: SceneStack, grid: TileGrid, options: TilingOptions, package: ModelPackage) {
        self.grid = "\(grid.width) x \(grid.height) px, geotransform \(stack.grid.geoTransform.coefficients)"
        crs = stack.grid.crs?.wkt ?? "none"
        sources = stack.sources.map { source in
            let path = URL(fileURLWithPath: source.path).standardizedFileURL.path
            return "\(source.path.hasPrefix("/vsi") ? source.path : path) bands \(source.bands.map { "\($0)" } ?? "all"), "
                + "\(source.resampling) resampling, nodata \(source.noData.map { "\($0)" } ?? "from the file")"
        }
        tiling = "tile \(grid.tileSize) px, overlap \(grid.overlap)"
        padding = options.padding.rawValue
        blending = options.window.rawValue
        normalization = "scale \(options.normalization.scale), offset \(options.normalization.offset)"
        classes = package.classNames
        modelSHA256 = package.digest
        modelOptions = "\(package.kind) \(package.options)"
    }

    /// The first setting that differs from `previous`, in the user's words; nil when none does.
    func difference(from previous: RunIdentity) -> String? {
        let settings: [(String, String, String)] = [
            ("the model (SHA-256)", previous.modelSHA256, modelSHA256),
            ("the model options (TTA, merge)", previous.modelOptions, modelOptions),
            ("the classes", previous.classes.joined(separator: ", "), classes.joined(separator: ", ")),
            ("the scene's sources", previous.sources.joined(separator: "; "), sources.joined(separator: "; ")),
            ("the grid", previous.grid, grid),
            ("the CRS", previous.crs, crs),
            ("the tiling", previous.tiling, tiling),
            ("the padding", previous.padding, padding),
            ("the blending window", previous.blending, blending),
            ("the normalization", previous.normalization, normalization),
        ]
        for (name, before, now) in settings where before != now {
            let long = before.count + now.count > 160
            return long ? "\(name) changed since the interrupted run" : "\(name) changed since the interrupted run (then: \(before); now: \(now))"
        }
        return nil
    }
}
