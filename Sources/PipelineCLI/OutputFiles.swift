import Foundation
import Scene

/// Output folders and small files written by the commands, with errors that name the path in
/// one line rather than Foundation's `Error Domain=NSCocoaErrorDomain ...`.
enum OutputFiles {
    /// Creates `path` (and its parents) unless it is already a folder. `option` is how the user
    /// named it, e.g. `--out`.
    static func createFolder(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ValidationFailure(message: "\(option) \(path): is a file; \(option) names a folder (it is created if missing)")
            }
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw ValidationFailure(message: "\(option) \(path): the folder is not writable")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ValidationFailure(message: "\(option) \(path): cannot create the folder: \(obstacle(to: path) ?? FileErrorReason.describe(error))")
        }
    }

    /// Why a folder cannot be created when Foundation does not say (it reports a file in the way
    /// as "error 512"): the nearest existing ancestor is a file, or not writable.
    private static func obstacle(to path: String) -> String? {
        var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
        while ancestor.path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return "\(ancestor.path) is a file, not a folder" }
                return FileManager.default.isWritableFile(atPath: ancestor.path) ? nil : "\(ancestor.path) is not writable"
            }
            ancestor.deleteLastPathComponent()
        }
        return nil
    }

    /// Writes `data` to `path` (a report, say), replacing any earlier file.
    static func write(_ data: Data, to path: String, what: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationFailure(message: "\(path): cannot write the \(what): \(FileErrorReason.describe(error))")
        }
    }
}
