extension PipelineSpec {
    /// The placeholder in source paths replaced by the scene id: `three_band/{id}.tif`.
    public static let sceneIDPlaceholder = "{\(sceneIDPlaceholderName)}"
    static let sceneIDPlaceholderName = "id"

    /// The scene files to open, in `scene.sources` order: `{id}` replaced by `sceneID` (the
    /// caller's, e.g. `--scene-id`), else by `scene.id`; relative paths joined to `sceneDirectory`
    /// and normalized; absolute and GDAL virtual paths (`/vsicurl/…`) kept as written.
    ///
    /// An empty `sceneID` counts as not given. Throws `.missingSceneID`, at the path's line, when a
    /// path needs an id and neither gives one.
    public func resolvedSourcePaths(sceneDirectory: String, sceneID: String?) throws -> [String] {
        let id = [sceneID, scene.id].compactMap { $0 }.first { !$0.isEmpty }
        return try scene.sources.enumerated().map { index, source in
            if let asset = source.asset {
                throw locations.error(
                    .invalidValue, at: FieldPath.source(index).key("asset"),
                    "'\(asset)' is a STAC asset key: list the scenes in a STAC ItemCollection (run --scenes ITEMS.json)")
            }
            var path = source.path
            if path.contains(Self.sceneIDPlaceholder) {
                guard let id else {
                    throw locations.error(
                        .missingSceneID, at: FieldPath.source(index).key("path"),
                        "'\(source.path)' contains {id}, but no scene id is known "
                            + "(pass --scene-id or set scene.id)")
                }
                path = path.replacingOccurrences(of: Self.sceneIDPlaceholder, with: id)
            }
            return PathResolution.resolve(path, against: sceneDirectory)
        }
    }
}

extension PipelineSpec {
    /// The scene files to open for a scene of a batch (`SceneList`): in a folder, as
    /// `resolvedSourcePaths(sceneDirectory:sceneID:)` with the scene's id; for a STAC item, each
    /// `asset:` source is the item's asset of that key, and `path:` sources are relative to the
    /// collection file's folder with `{id}` the item's id. An asset the item lacks is an error at
    /// the source's `asset:` line naming the item and the keys it has.
    public func resolvedSourcePaths(at location: SceneLocation) throws -> [String] {
        switch location {
        case .folder(let folder, let id):
            return try resolvedSourcePaths(sceneDirectory: folder, sceneID: id)
        case .stacItem(let item):
            return try scene.sources.enumerated().map { index, source in
                guard let key = source.asset else {
                    let path = source.path.replacingOccurrences(of: Self.sceneIDPlaceholder, with: item.id)
                    return PathResolution.resolve(path, against: item.folder)
                }
                guard let file = item.assets[key] else {
                    throw locations.error(
                        .invalidValue, at: FieldPath.source(index).key("asset"),
                        "item '\(item.id)' of \(item.file) has no asset '\(key)' (it has \(item.assets.keys.sorted().joined(separator: ", ")))")
                }
                return file
            }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
