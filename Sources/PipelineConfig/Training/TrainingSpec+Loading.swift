import Foundation
internal import Yams

extension SchemaHistory {
    /// The training schema (`pipeline train`). Version 1 is the first.
    static let training = SchemaHistory(current: 1, upgrades: [])
}

extension TrainingSpec {
    public static var currentVersion: Int { SchemaHistory.training.current }

    /// Reads and validates the training file at `path`; errors name `path` as given.
    /// `knownClasses`: the class catalogue `classes:` must come from (nil: any names).
    public static func load(path: String, knownClasses: [String]?) throws -> TrainingSpec {
        let text = try ConfigFile.readText(at: path, kind: "a training file")
        let absolutePath = PathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        return try parse(
            yaml: text, file: path, baseDirectory: PathResolution.parentDirectory(of: absolutePath), knownClasses: knownClasses)
    }

    /// `baseDirectory`: the folder relative paths are resolved against (the file's folder).
    public static func parse(yaml: String, file: String, baseDirectory: String, knownClasses: [String]?) throws -> TrainingSpec {
        let context = ReadContext(file: file)
        guard var root = try YAMLDocument.compose(yaml, file: file) else {
            throw ConfigError(
                code: .missingKey, file: file, line: 1, column: 1,
                message: "the file holds no training definition (expected settings such as version, pipeline, classes and scenes)")
        }
        let rootLocation = context.location(of: root.mark, orElse: SourceLocation(file: file, line: 1, column: 1))
        guard case .mapping = root else {
            throw context.error(
                .wrongType, at: rootLocation, path: .root,
                "expected a mapping of settings at the top level, got "
                    + ValueReader(node: root, path: .root, location: rootLocation, context: context).foundDescription)
        }
        try SchemaHistory.training.upgrade(&root, context: context, rootLocation: rootLocation)
        let reader = try ValueReader(node: root, path: .root, location: rootLocation, context: context).mapping(keys: yamlKeys)
        return try TrainingSpec(reading: reader, baseDirectory: baseDirectory, knownClasses: knownClasses)
    }
}

extension LabelledSceneSpec {
    /// The truth file: `{id}` replaced by `sceneID`, a relative path joined to the scene folder.
    public func resolvedTruthPath(sceneID: String?) -> String {
        var path = truth.path
        if let sceneID { path = path.split(separator: PipelineSpec.sceneIDPlaceholder, omittingEmptySubsequences: false).joined(separator: sceneID) }
        return PathResolution.resolve(path, against: folder)
    }
}
