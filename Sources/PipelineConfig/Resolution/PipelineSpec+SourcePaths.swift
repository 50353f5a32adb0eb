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

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
