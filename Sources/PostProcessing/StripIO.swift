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

/// The state between two passes: a raw file beside the output, row-major, each pixel's word packed
/// into as few bytes as its classes need (2 for up to 15 classes: the class bits, then the nodata
/// bit). Raw rather than GeoTIFF because a pass with a halo reads rows again, and a raw file reads
/// any rows at their offset without decoding blocks. Removed when released.
final class WordFile: WordSource, WordSink {
    let path: String
    let width: Int
    private let classCount: Int
    private let bytesPerPixel: Int
    private let descriptor: Int32

    init(path: String, width: Int, classCount: Int) throws {
        self.path = path
        self.width = width
        self.classCount = classCount
        bytesPerPixel = (classCount + 1 + 7) / 8
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
        var bytes = [UInt8](repeating: 0, count: rows.count * width * bytesPerPixel)
        try bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset(rows.lowerBound) + done))
                guard n > 0 else {
                    throw PostProcessingError(code: .io, message: "cannot read rows \(rows) back (\(n == 0 ? "file too short" : Self.systemError()))", location: path)
                }
                done += n
            }
        }
        let noDataBit = MaskWord(1) << MaskWord(classCount), classBits = MaskBits.all(classCount)
        return (0..<rows.count * width).map { i in
            var packed: MaskWord = 0
            for b in 0..<bytesPerPixel { packed |= MaskWord(bytes[i * bytesPerPixel + b]) << MaskWord(8 * b) }
            return packed & noDataBit != 0 ? MaskBits.noData : packed & classBits
        }
    }

    func write(rows: Range<Int>, _ words: [MaskWord]) throws {
        let noDataBit = MaskWord(1) << MaskWord(classCount)
        var bytes = [UInt8](repeating: 0, count: words.count * bytesPerPixel)
        for (i, word) in words.enumerated() {
            let packed = word & MaskBits.noData != 0 ? noDataBit : word
            for b in 0..<bytesPerPixel { bytes[i * bytesPerPixel + b] = UInt8(truncatingIfNeeded: packed >> MaskWord(8 * b)) }
        }
        try bytes.withUnsafeBytes { buffer in
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

    private func offset(_ row: Int) -> Int { row * width * bytesPerPixel }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
