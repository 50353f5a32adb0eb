import Distributed
import Foundation

/// Where a run's inputs came from, so `pipeline export` can find the pipeline (and the scene, for
/// rules that read bands) again.
public struct RunSource: Codable, Sendable {
    /// Absolute paths.
    public var pipeline: String
    public var scene: String
    public var sceneID: String?
    /// A scene of a STAC ItemCollection (`run --scenes items.json`): the collection file, and the
    /// item's assets as GDAL paths (`scene` is then the collection's folder, `sceneID` the item's id).
    public var stac: String?
    public var assets: [String: String]?

    public init(pipeline: String, scene: String, sceneID: String?, stac: String? = nil, assets: [String: String]? = nil) {
        self.pipeline = URL(fileURLWithPath: pipeline).standardizedFileURL.path
        self.scene = URL(fileURLWithPath: scene).standardizedFileURL.path
        self.sceneID = sceneID
        self.stac = stac.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        self.assets = assets
    }
}

/// `run-report.json`: the tile run (`SceneRunReport`'s fields, at the top level), where its inputs
/// came from, and what the map stages made.
public struct PipelineRunReport: Codable, Sendable {
    public var tiles: SceneRunReport
    public var source: RunSource
    public var maps: MapReport?

    public init(tiles: SceneRunReport, source: RunSource, maps: MapReport? = nil) {
        self.tiles = tiles
        self.source = source
        self.maps = maps
    }

    private enum Keys: String, CodingKey { case source, maps }

    public init(from decoder: Decoder) throws {
        tiles = try SceneRunReport(from: decoder)
        let container = try decoder.container(keyedBy: Keys.self)
        source = try container.decode(RunSource.self, forKey: .source)
        maps = try container.decodeIfPresent(MapReport.self, forKey: .maps)
    }

    public func encode(to encoder: Encoder) throws {
        try tiles.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(maps, forKey: .maps)
    }

    public static func path(in runDirectory: String) -> String { "\(runDirectory)/run-report.json" }

    /// Reads a finished run's report; one line naming the file when it is missing or not one.
    public static func read(runDirectory: String) throws -> PipelineRunReport {
        let path = path(in: runDirectory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MapError(message: "no run-report.json: not the output folder of a finished run", location: runDirectory)
        }
        do {
            return try JSONDecoder().decode(PipelineRunReport.self, from: data)
        } catch {
            throw MapError(message: "not a run report of this version of pipeline", location: path)
        }
    }

    public func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = PipelineRunReport.path(in: runDirectory)
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MapError(message: "cannot write the run report: \(error.localizedDescription)", location: path)
        }
    }
}
