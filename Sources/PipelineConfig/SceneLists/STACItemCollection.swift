import Foundation

/// A STAC ItemCollection (a GeoJSON FeatureCollection of STAC items) or a single STAC item, read
/// as the scenes of a batch: each item is one scene, its `id` the scene id, its `assets` the files
/// that `asset:` sources of the pipeline name by key.
///
/// Read here rather than through GDAL's STACIT driver: STACIT mosaics the items of a collection
/// into one raster per asset, while a batch treats each item as a scene of its own; GDAL then
/// opens each asset's file (local, `/vsicurl/`, `/vsis3/` …) as any other source.
enum STACItemCollection {
    static func read(data: Data, path: String) throws -> [ListedScene] {
        func failure(_ message: String) -> SceneListError {
            SceneListError(file: path, problems: [ConfigError(code: .invalidValue, file: path, message: message)])
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw SceneListError(file: path, problems: [ConfigError(code: .syntax, file: path,
                message: "not valid JSON (a STAC ItemCollection was expected): \(Self.jsonReason(error))")])
        }
        guard let root = json as? [String: Any] else { throw failure("not a STAC ItemCollection: the JSON is not an object") }
        let features: [Any]
        let folder = PathResolution.parentDirectory(of: path)
        switch root["type"] as? String {
        case "FeatureCollection":
            guard let list = root["features"] as? [Any] else { throw failure("a STAC ItemCollection needs a 'features' list") }
            features = list
        case "Feature":
            features = [root]
        default:
            throw failure("not a STAC ItemCollection: 'type' is \(root["type"].map { "'\($0)'" } ?? "missing") (expected FeatureCollection, or Feature for one item)")
        }
        var scenes: [ListedScene] = []
        var problems: [ConfigError] = []
        for (index, feature) in features.enumerated() {
            let place = features.count == 1 && root["type"] as? String == "Feature" ? "the item" : "features[\(index)]"
            func problem(_ message: String) { problems.append(ConfigError(code: .invalidValue, file: path, message: "\(place): \(message)")) }
            guard let item = feature as? [String: Any] else { problem("not a JSON object"); continue }
            guard let id = item["id"] as? String, !id.isEmpty else { problem("a STAC item needs an 'id' (a non-empty string)"); continue }
            guard !id.contains("/"), id != ".", id != ".." else { problem("item id '\(id)' cannot name an output folder"); continue }
            guard let assets = item["assets"] as? [String: Any], !assets.isEmpty else { problem("item '\(id)' has no 'assets'"); continue }
            var files: [String: String] = [:]
            for (key, value) in assets {
                guard let href = (value as? [String: Any])?["href"] as? String, !href.isEmpty else {
                    problem("asset '\(key)' of item '\(id)' has no 'href'")
                    continue
                }
                files[key] = gdalPath(href: href, folder: folder)
            }
            scenes.append(ListedScene(id: id, location: .stacItem(STACItem(id: id, assets: files, file: path, folder: folder)),
                                      origin: "\(path): \(place) (item '\(id)')"))
        }
        if !problems.isEmpty { throw SceneListError(file: path, problems: problems) }
        if scenes.isEmpty { throw failure("the ItemCollection has no items") }
        return scenes
    }

    /// A path GDAL opens for an asset's href (as GDAL's STACIT driver maps them).
    static func gdalPath(href: String, folder: String) -> String {
        for (scheme, prefix) in [("https://", "/vsicurl/https://"), ("http://", "/vsicurl/http://"), ("s3://", "/vsis3/"), ("gs://", "/vsigs/")]
        where href.hasPrefix(scheme) {
            return prefix + href.dropFirst(scheme.count)
        }
        if href.hasPrefix("file://") { return String(href.dropFirst("file://".count)) }
        return PathResolution.resolve(href, against: folder)
    }

    private static func jsonReason(_ error: Error) -> String {
        let info = (error as NSError).userInfo
        return (info["NSDebugDescription"] as? String) ?? (error as NSError).localizedDescription
    }
}
