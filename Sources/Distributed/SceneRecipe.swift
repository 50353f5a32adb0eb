import Foundation
import Raster
import Scene

/// Everything a worker needs to rebuild a run's stack and cut any of its tiles itself (shared
/// storage): the resolved sources (absolute paths or GDAL URLs such as `/vsis3/…`), in stack order
/// with their bands, resampling and nodata, the reference source, the tile grid and the padding.
/// Normalization travels with the model (MODEL), as in pixel mode. The worker builds the stack with
/// `SceneStack` and cuts tiles with `TileRowReader`, the code the coordinator uses, so the bytes
/// are the same whoever reads them.
struct SceneRecipe: Codable, Equatable {
    struct Source: Codable, Equatable {
        var path: String
        var bands: [Int]?
        var resampling: String
        var noData: Double?
        var origin: String
    }

    var sources: [Source]
    var reference: Int
    var grid: TileGrid
    var padding: PaddingMode
    /// What the coordinator's stack is, so a worker that sees other files says so.
    var bandCount: Int

    init(stack: SceneStack, grid: TileGrid, padding: PaddingMode) {
        let directory = FileManager.default.currentDirectoryPath
        sources = stack.sources.map { source in
            // Relative paths are relative to where the coordinator runs: workers need them whole.
            let path = source.path.hasPrefix("/") ? source.path : "\(directory)/\(source.path)"
            return Source(path: path, bands: source.bands, resampling: source.resampling.rawValue, noData: source.noData, origin: source.origin)
        }
        reference = stack.reference
        self.grid = grid
        self.padding = padding
        bandCount = stack.bandCount
    }

    /// The JSON that JOBs carry (sorted keys: the same recipe is the same bytes).
    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array((try? encoder.encode(self)) ?? Data())
    }

    static func decode(_ bytes: [UInt8]) throws -> SceneRecipe {
        do { return try JSONDecoder().decode(SceneRecipe.self, from: Data(bytes)) } catch {
            throw DistributedError(code: .protocolError, message: "a window job's scene recipe is not valid: \(error)")
        }
    }

    /// Opens the stack as the coordinator did; an error names the source that cannot be read.
    func open() throws -> SceneStack {
        let sources = try self.sources.map { source -> SceneSource in
            guard let resampling = Resampling(rawValue: source.resampling) else {
                throw DistributedError(code: .protocolError, message: "unknown resampling '\(source.resampling)' for \(source.path)")
            }
            return SceneSource(path: source.path, bands: source.bands, resampling: resampling, noData: source.noData, origin: source.origin)
        }
        let stack = try SceneStack(sources: sources, reference: reference)
        guard stack.grid.width == grid.width, stack.grid.height == grid.height, stack.bandCount == bandCount else {
            throw DistributedError(code: .modelMismatch, message: "the scene here is \(stack.grid.width)x\(stack.grid.height) with \(stack.bandCount) bands; "
                                   + "the coordinator's is \(grid.width)x\(grid.height) with \(bandCount) (\(sources[reference].path))")
        }
        return stack
    }
}
