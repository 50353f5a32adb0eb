import Foundation

/// Strip sums in a sparse scratch file instead of memory, so stitching a scene of any width holds
/// only one tile row's sums at a time: a tile row is read, added to and written back with
/// pread/pwrite (the page cache, not this process, keeps hot rows). Parts never written read as
/// zeros, which is "no weight yet", as in memory. Layout: row after row, each pixel's class sums
/// then its weight sum (`classCount + 1` UInt32, host order): one contiguous run per tile row.
final class DiskStripSums: StripSums {
    let rows: Range<Int>
    let width: Int
    let classCount: Int
    let path: String
    private var descriptor: Int32
    private var scratch: [UInt32] = []

    init(path: String, rows: Range<Int>, width: Int, classCount: Int) throws {
        self.path = path
        self.rows = rows
        self.width = width
        self.classCount = classCount
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DiskStripSums.failure("cannot create", path) }
        guard ftruncate(descriptor, off_t(rows.count * width * (classCount + 1) * 4)) == 0 else {
            let error = DiskStripSums.failure("cannot size", path)
            discard()
            throw error
        }
    }

    private var pixelStride: Int { classCount + 1 }

    func addRow(_ row: Int, x0: Int, columns: Range<Int>, weights: UnsafePointer<UInt32>, validity: UnsafePointer<UInt8>,
                values: UnsafePointer<UInt8>, classStride: Int) throws {
        // Only the span of pixels that carry weight is read and written back.
        guard let first = columns.first(where: { validity[$0] != 0 && weights[$0] > 0 }),
              let last = columns.last(where: { validity[$0] != 0 && weights[$0] > 0 }) else { return }
        let span = last - first + 1, stride = pixelStride, classCount = classCount
        let offset = off_t(((row * width) + x0 + first) * stride * 4)
        if scratch.count < span * stride { scratch = [UInt32](repeating: 0, count: span * stride) }
        try scratch.withUnsafeMutableBufferPointer { sums in
            try transfer(pread, sums.baseAddress!, span * stride * 4, offset)
            for t in first...last where validity[t] != 0 && weights[t] > 0 {
                let weight = weights[t], pixel = sums.baseAddress! + (t - first) * stride
                pixel[classCount] += weight
                for c in 0..<classCount { pixel[c] += weight * UInt32(values[c * classStride + t]) }
            }
            try transfer({ pwrite($0, $1, $2, $3) }, sums.baseAddress!, span * stride * 4, offset)
        }
    }

    func result(rows local: Range<Int>) throws -> [UInt8] {
        let plane = local.count * width, stride = pixelStride, classCount = classCount
        var out = [UInt8](repeating: ProbabilityQuantization.noData, count: classCount * plane)
        var sums = [UInt32](repeating: 0, count: width * stride)
        for r in local {
            let o = r - local.lowerBound
            try sums.withUnsafeMutableBufferPointer { sums in
                try transfer(pread, sums.baseAddress!, width * stride * 4, off_t(r * width * stride * 4))
                for x in 0..<width {
                    let pixel = sums.baseAddress! + x * stride, total = pixel[classCount]
                    guard total > 0 else { continue }
                    for c in 0..<classCount { out[c * plane + o * width + x] = blendedValue(pixel[c], total: total) }
                }
            }
        }
        return out
    }

    func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
        scratch = []
    }

    deinit { discard() }

    /// Whole reads or writes (retried on short transfers and EINTR).
    private func transfer(_ call: (Int32, UnsafeMutableRawPointer, Int, off_t) -> Int, _ base: UnsafeMutablePointer<UInt32>,
                          _ bytes: Int, _ offset: off_t) throws {
        var done = 0
        let raw = UnsafeMutableRawPointer(base)
        while done < bytes {
            let n = call(descriptor, raw + done, bytes - done, offset + off_t(done))
            if n < 0 && errno == EINTR { continue }
            // A read past the written end (sparse tail) returns 0: the rest is zeros.
            if n == 0 { (raw + done).initializeMemory(as: UInt8.self, repeating: 0, count: bytes - done); return }
            guard n > 0 else { throw DiskStripSums.failure("cannot read or write", path) }
            done += n
        }
    }

    private static func failure(_ what: String, _ path: String) -> SceneError {
        SceneError(code: .writeFailed, message: "\(what) the stitching scratch file: \(String(cString: strerror(errno)))", location: path)
    }
}
