import Foundation

/// Strip sums in a sparse scratch file instead of memory, so stitching a scene of any width holds
/// only one tile's sums at a time: the part of the strip a tile covers is read, added to and
/// written back with pread/pwrite (the page cache, not this process, keeps hot parts). Parts never
/// written read as zeros, which is "no weight yet", as in memory. Layout: blocks of `blockWidth`
/// columns, one after the other; in a block, row after row, each pixel's class sums then its weight
/// sum (`classCount + 1` UInt32, host order). A tile's rows in a block are one contiguous run, so a
/// tile costs a read and a write per block it touches rather than per row (an 8,192² run with 64
/// workers: half a million system calls fewer).
final class DiskStripSums: StripSums {
    let rows: Range<Int>
    let width: Int
    let classCount: Int
    let path: String
    private var descriptor: Int32
    private var scratch: [UInt32] = []
    /// Columns per block.
    static let blockWidth = 128
    private var blockCount: Int { (width + DiskStripSums.blockWidth - 1) / DiskStripSums.blockWidth }

    init(path: String, rows: Range<Int>, width: Int, classCount: Int) throws {
        self.path = path
        self.rows = rows
        self.width = width
        self.classCount = classCount
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DiskStripSums.failure("cannot create", path) }
        guard ftruncate(descriptor, off_t(blockCount * rows.count * DiskStripSums.blockWidth * (classCount + 1) * 4)) == 0 else {
            let error = DiskStripSums.failure("cannot size", path)
            discard()
            throw error
        }
    }

    private var pixelStride: Int { classCount + 1 }

    /// Byte offset of strip row `row`, column `block * blockWidth` (the block's first column).
    private func offset(row: Int, block: Int) -> off_t {
        off_t((block * rows.count + row) * DiskStripSums.blockWidth * pixelStride * 4)
    }

    func addRows(_ row: Int, count: Int, x0: Int, columns: Range<Int>, weights: UnsafePointer<UInt32>, validity: UnsafePointer<UInt8>,
                 values: UnsafePointer<UInt8>, rowStride: Int, classStride: Int) throws {
        guard let firstColumn = columns.first, let lastColumn = columns.last, count > 0 else { return }
        let blockWidth = DiskStripSums.blockWidth, stride = pixelStride, classCount = classCount
        let bytes = count * blockWidth * stride * 4
        if scratch.count < count * blockWidth * stride { scratch = [UInt32](repeating: 0, count: count * blockWidth * stride) }
        try scratch.withUnsafeMutableBufferPointer { sums in
            for block in (x0 + firstColumn) / blockWidth...(x0 + lastColumn) / blockWidth {
                // The tile columns in this block; blocks where nothing carries weight are left alone.
                let inBlock = max(firstColumn, block * blockWidth - x0)..<min(lastColumn + 1, (block + 1) * blockWidth - x0)
                var weighted = false
                for i in 0..<count where !weighted {
                    for t in inBlock where validity[i * rowStride + t] != 0 && weights[i * rowStride + t] > 0 { weighted = true; break }
                }
                guard weighted else { continue }
                try transfer(pread, sums.baseAddress!, bytes, offset(row: row, block: block))
                for i in 0..<count {
                    let weightRow = weights + i * rowStride, validRow = validity + i * rowStride, valueRow = values + i * rowStride
                    let sumRow = sums.baseAddress! + (i * blockWidth + x0 - block * blockWidth) * stride
                    for t in inBlock where validRow[t] != 0 && weightRow[t] > 0 {
                        let weight = weightRow[t], pixel = sumRow + t * stride
                        pixel[classCount] += weight
                        for c in 0..<classCount { pixel[c] += weight * UInt32(valueRow[c * classStride + t]) }
                    }
                }
                try transfer({ pwrite($0, $1, $2, $3) }, sums.baseAddress!, bytes, offset(row: row, block: block))
            }
        }
    }

    func result(rows local: Range<Int>) throws -> [UInt8] {
        let plane = local.count * width, stride = pixelStride, classCount = classCount, blockWidth = DiskStripSums.blockWidth
        var out = [UInt8](repeating: ProbabilityQuantization.noData, count: classCount * plane)
        var sums = [UInt32](repeating: 0, count: local.count * blockWidth * stride)
        try sums.withUnsafeMutableBufferPointer { sums in
            for block in 0..<blockCount {
                try transfer(pread, sums.baseAddress!, local.count * blockWidth * stride * 4, offset(row: local.lowerBound, block: block))
                for o in 0..<local.count {
                    for x in block * blockWidth..<min(width, (block + 1) * blockWidth) {
                        let pixel = sums.baseAddress! + (o * blockWidth + x - block * blockWidth) * stride, total = pixel[classCount]
                        guard total > 0 else { continue }
                        for c in 0..<classCount { out[c * plane + o * width + x] = blendedValue(pixel[c], total: total) }
                    }
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
