/// Lexical path handling for scene files and the model file. Lexical (no file system access, no
/// symlink resolution) so that it is deterministic and works on paths that only GDAL understands.
enum PathResolution {
    /// GDAL's virtual file systems (`/vsicurl/`, `/vsis3/`, `/vsizip/`, `/vsimem/` …): absolute
    /// paths whose remainder may be a URL with `//`, so they are never normalized.
    static func isGDALVirtual(_ path: String) -> Bool {
        path.hasPrefix("/vsi")
    }

    /// `path` if absolute (including GDAL virtual paths), kept exactly as written; otherwise joined
    /// to `directory` and normalized (`a/./b/../c` → `a/c`). A virtual `directory` is joined without
    /// normalizing.
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if directory.isEmpty { return normalize(path) }
        if isGDALVirtual(directory) {
            return directory.hasSuffix("/") ? directory + path : directory + "/" + path
        }
        return normalize(directory + "/" + path)
    }

    /// Removes `.` segments, repeated and trailing slashes, and `..` after a named segment. A
    /// relative path keeps the `..` it cannot resolve; an absolute one stops at `/`.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                continue
            case "..":
                if let last = segments.last, last != ".." {
                    segments.removeLast()
                } else if !isAbsolute {
                    segments.append(segment)
                }
            default:
                segments.append(segment)
            }
        }
        let joined = segments.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder holding `path` (`/a/b/demo.yaml` → `/a/b`).
    static func parentDirectory(of path: String) -> String {
        normalize(path + "/..")
    }
}
