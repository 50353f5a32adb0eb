import Foundation

/// Reads the scenes of a batch from a list file (`pipeline run --scenes LIST`): a text file of
/// scene folders or ids, or a STAC ItemCollection (JSON).
///
/// Text: one scene per line; blank lines and lines starting with `#` are skipped, surrounding
/// spaces ignored. Without a base folder each line is a scene folder, relative to the list file's
/// folder unless absolute, and the folder's name is the scene id. With a base folder
/// (`--scene DIR`) each line is a scene id: every scene's files are in that folder, named through
/// `{id}` (the DSTL layout, `three_band/{id}.tif`).
///
/// Every problem of the list is found before any scene runs and reported one line each (`file:line:`),
/// so a bad list changes nothing on disk.
public enum SceneList {
    /// Reads `path`; a file whose first non-blank character is `{` is a STAC ItemCollection (or
    /// one STAC item). `baseFolder`: see above (text lists only).
    public static func read(path: String, baseFolder: String? = nil) throws -> [ListedScene] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SceneListError(file: path, problems: [ConfigError(code: .unreadableFile, file: path,
                                                                    message: "cannot read the scene list: \(Self.reason(error))")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SceneListError(file: path, problems: [ConfigError(code: .unreadableFile, file: path, message: "the scene list is not UTF-8 text")])
        }
        let scenes: [ListedScene]
        if text.first(where: { !$0.isWhitespace }) == "{" {
            if baseFolder != nil {
                throw SceneListError(file: path, problems: [ConfigError(code: .invalidValue, file: path,
                    message: "a STAC ItemCollection names its scenes' files itself: drop --scene (a base folder for scene ids)")])
            }
            scenes = try STACItemCollection.read(data: data, path: path)
        } else {
            scenes = try readText(text, path: path, baseFolder: baseFolder)
        }
        try checkUniqueIDs(scenes, file: path)
        return scenes
    }

    private static func readText(_ text: String, path: String, baseFolder: String?) throws -> [ListedScene] {
        let listFolder = PathResolution.parentDirectory(of: path)
        var scenes: [ListedScene] = []
        var problems: [ConfigError] = []
        if let baseFolder, !isFolder(baseFolder) {
            throw SceneListError(file: path, problems: [ConfigError(code: .invalidValue, file: path,
                                                                    message: "the base folder of its scene ids, --scene \(baseFolder), is not a folder")])
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let origin = "\(path):\(number + 1)"
            func problem(_ message: String) { problems.append(ConfigError(code: .invalidValue, file: path, line: number + 1, message: message)) }
            if let baseFolder {
                guard !line.contains("/"), line != ".", line != ".." else {
                    problem("'\(line)' is not a scene id (with --scene, each line is an id of a scene in \(baseFolder))")
                    continue
                }
                scenes.append(ListedScene(id: line, location: .folder(baseFolder, id: line), origin: origin))
            } else {
                let folder = PathResolution.resolve(line, against: listFolder)
                guard isFolder(folder) else {
                    problem(FileManager.default.fileExists(atPath: folder) ? "'\(line)' (\(folder)) is a file, not a scene folder"
                                                                          : "scene folder '\(line)' (\(folder)) does not exist")
                    continue
                }
                let id = URL(fileURLWithPath: folder).lastPathComponent
                scenes.append(ListedScene(id: id, location: .folder(folder, id: id), origin: origin))
            }
        }
        if !problems.isEmpty { throw SceneListError(file: path, problems: problems) }
        if scenes.isEmpty {
            throw SceneListError(file: path, problems: [ConfigError(code: .invalidValue, file: path, message: "the scene list names no scene")])
        }
        return scenes
    }

    /// Two scenes of one id would write one output folder.
    private static func checkUniqueIDs(_ scenes: [ListedScene], file: String) throws {
        var first: [String: ListedScene] = [:]
        var problems: [ConfigError] = []
        for scene in scenes {
            if let earlier = first[scene.id] {
                problems.append(ConfigError(code: .invalidValue, file: file,
                                            message: "scene id '\(scene.id)' of \(scene.origin) is already used by \(earlier.origin) (each scene writes OUT/ID/)"))
            } else {
                first[scene.id] = scene
            }
        }
        if !problems.isEmpty { throw SceneListError(file: file, problems: problems) }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain, let text = strerror(Int32(code)) {
            return String(cString: text)
        }
        if (error as NSError).code == NSFileReadNoSuchFileError { return "No such file or directory" }
        return (error as NSError).localizedDescription
    }
}

/// Every problem of a scene list, one line each.
public struct SceneListError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [ConfigError]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
