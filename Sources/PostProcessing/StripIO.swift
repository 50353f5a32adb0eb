#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a pass reads the decided state, by full-width rows.
protocol WordSource {
    func read(rows: Range<Int>) throws -> [MaskWord]
}

/// Where a pass writes it, strip after strip, top to bottom.
protocol WordSink {
    func write(rows: Range<Int>, _ words: [MaskWord]) throws
}

/// The state between two passes: a raw file of one word per pixel, row-major, beside the output.
/// Raw rather than GeoTIFF because a pass with a halo reads rows again, and a raw file reads any
/// rows at their offset without decoding blocks. Removed when released.
final class WordFile: WordSource, WordSink {
    let path: String
    let width: Int
    private let descriptor: Int32

    init(path: String, width: Int) throws {
        self.path = path
        self.width = width
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw PostProcessingError(code: .io, message: "cannot create a temporary file (\(Self.systemError()))", location: path)
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    func read(rows: Range<Int>) throws -> [MaskWord] {
        var words = [MaskWord](repeating: 0, count: rows.count * width)
        try words.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset(rows.lowerBound) + done))
                guard n > 0 else {
                    throw PostProcessingError(code: .io, message: "cannot read rows \(rows) back (\(n == 0 ? "file too short" : Self.systemError()))", location: path)
                }
                done += n
            }
        }
        return words
    }

    func write(rows: Range<Int>, _ words: [MaskWord]) throws {
        try words.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset(rows.lowerBound) + done))
                guard n > 0 else {
                    throw PostProcessingError(code: .io, message: "cannot write rows \(rows) (\(Self.systemError()))", location: path)
                }
                done += n
            }
        }
    }

    private func offset(_ row: Int) -> Int { row * width * MemoryLayout<MaskWord>.stride }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
