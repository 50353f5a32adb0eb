#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes the small text files that hold CURVE keys, with POSIX calls so that the
/// file mode is set at creation (a secret key is never readable by others, not even briefly)
/// and "do not overwrite" is atomic (`O_EXCL`), not a check-then-write race.
enum KeyFileIO {
    /// Key files are a few lines; anything larger is not one, and is not read into memory.
    static let maxBytes = 4096

    static func readText(_ path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError("open", path) }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: maxBytes + 1)
        while bytes.count <= maxBytes {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError("read", path)
            }
            bytes += chunk[0..<count]
        }
        guard bytes.count <= maxBytes else {
            throw MessagingError(
                code: .invalidKeyFile, subject: path,
                message: "larger than \(maxBytes) bytes; not a key file")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `path` with exactly `mode` (umask notwithstanding). Without `overwrite`,
    /// an existing file is an error (`EEXIST`) and is left untouched. A failed write removes
    /// the partial file rather than leave a truncated key behind.
    static func writeText(_ text: String, to path: String, mode: mode_t, overwrite: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else { throw systemError("open", path) }
        var closed = false
        defer { if !closed { close(descriptor) } }

        do {
            // open applies the umask only to new files; fchmod also fixes an overwritten file
            // that had looser permissions.
            guard fchmod(descriptor, mode) == 0 else { throw systemError("fchmod", path) }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw systemError("write", path)
                }
                bytes = bytes.dropFirst(count)
            }
            closed = true
            guard close(descriptor) == 0 else { throw systemError("close", path) }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// `.keyFileFailed` naming the call and the file, reading `errno` before anything else can.
    private static func systemError(_ function: String, _ path: String) -> MessagingError {
        let number = errno
        return MessagingError(
            code: .keyFileFailed, function: function, subject: path, errorNumber: number,
            message: String(cString: strerror(number)))
    }
}
