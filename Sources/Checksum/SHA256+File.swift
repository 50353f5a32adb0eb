#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SHA256 {
    /// Bytes read per `read` call: large enough that system-call overhead vanishes next to
    /// hashing, small enough that hashing a multi-GB model needs only this much memory.
    public static let fileChunkByteCount = 1 << 20

    /// The digest of the file at `path`, read in chunks of `fileChunkByteCount` bytes into one
    /// reused buffer, so memory stays constant whatever the file's size.
    ///
    /// Throws `ChecksumError` (`.openFailed`, `.readFailed`) naming the path and the call.
    public static func hash(fileAt path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError(.openFailed, "open", path) }
        defer { close(descriptor) }

        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: fileChunkByteCount, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                // A signal interrupting the read is not a failure of the read.
                if errno == EINTR { continue }
                throw systemError(.readFailed, "read", path)
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.finalize()
    }

    /// Reads `errno` at once, before another call can overwrite it.
    private static func systemError(_ code: ChecksumError.Code, _ function: String, _ path: String) -> ChecksumError {
        let number = errno
        return ChecksumError(
            code: code, path: path, function: function, errorNumber: number,
            message: String(cString: strerror(number)))
    }
}
