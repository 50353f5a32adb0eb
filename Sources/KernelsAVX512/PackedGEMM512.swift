// AVX-512 GEMM for the Winograd convolution's 36 small products, compiled for Skylake-AVX512
// (see Package.swift). Every function here, even `packedFloats`, may contain AVX-512
// instructions: call them only after the runtime check `CPUFeatures.avx512` (Kernels).
//
// Why not OpenBLAS: those products are small (Cout x Cin times Cin x a few hundred tiles), so
// OpenBLAS spends much of its time re-packing the same weight matrices on every call. Here the
// weights are packed once, when the layer is prepared, and the transformed tiles are read in
// place: each row of V is already a contiguous run of tiles.

public typealias Vector16 = SIMD16<Float>

/// Rows of the packed left-hand matrix per register block.
public let packedRowsPerBlock = 8

/// Packs `a` (`rows` x `depth`, row-major, leading dimension `lda`) for `packedGEMM512`:
/// blocks of 8 rows, each stored depth-major ([depth][8]), zero-padded to whole blocks.
public func packRowBlocks(_ a: UnsafePointer<Float>, rows: Int, depth: Int, lda: Int, into packed: UnsafeMutablePointer<Float>) {
    let blocks = (rows + packedRowsPerBlock - 1) / packedRowsPerBlock
    for block in 0..<blocks {
        let target = packed + block * depth * packedRowsPerBlock
        for k in 0..<depth {
            for r in 0..<packedRowsPerBlock {
                let row = block * packedRowsPerBlock + r
                target[k * packedRowsPerBlock + r] = row < rows ? a[row * lda + k] : 0
            }
        }
    }
}

/// Floats `packRowBlocks` writes for a `rows` x `depth` matrix.
public func packedFloats(rows: Int, depth: Int) -> Int {
    (rows + packedRowsPerBlock - 1) / packedRowsPerBlock * packedRowsPerBlock * depth
}

/// `C[rows x n] = A * B`: A packed by `packRowBlocks` (`rows` x `depth`), B `depth` x `n` with rows
/// `ldb` floats apart, C rows `ldc` floats apart. Columns of B past `n` up to the next multiple of
/// 32 may be read (never used in stored results): B's memory must extend that far.
public func packedGEMM512(rows: Int, n: Int, depth: Int, packedA: UnsafePointer<Float>,
                          b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let blocks = (rows + packedRowsPerBlock - 1) / packedRowsPerBlock
    // One 8 x 32 block of C on the stack for partial stores (rows past `rows`, columns past `n`).
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * 32) { spill in
        for block in 0..<blocks {
            let a = packedA + block * depth * packedRowsPerBlock
            let row0 = block * packedRowsPerBlock, validRows = min(packedRowsPerBlock, rows - row0)
            var column = 0
            while column < n {
                let width = min(32, n - column)
                let whole = validRows == 8 && width == 32
                let target = whole ? c + row0 * ldc + column : spill.baseAddress!
                let stride = whole ? ldc : 32
                if width > 16 {
                    block8x32(a, b + column, ldb: ldb, depth: depth, c: target, ldc: stride)
                } else {
                    block8x16(a, b + column, ldb: ldb, depth: depth, c: target, ldc: stride)
                }
                if !whole {
                    for r in 0..<validRows {
                        (c + (row0 + r) * ldc + column).update(from: spill.baseAddress! + r * 32, count: width)
                    }
                }
                column += 32
            }
        }
    }
}

/// 8 rows x 32 columns: 16 accumulators, two loads of B and eight broadcasts of A per step.
@inline(__always)
private func block8x32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, depth: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
    var c00 = Vector16(), c01 = Vector16(), c10 = Vector16(), c11 = Vector16()
    var c20 = Vector16(), c21 = Vector16(), c30 = Vector16(), c31 = Vector16()
    var c40 = Vector16(), c41 = Vector16(), c50 = Vector16(), c51 = Vector16()
    var c60 = Vector16(), c61 = Vector16(), c70 = Vector16(), c71 = Vector16()
    var pa = a, pb = UnsafeRawPointer(b)
    let bStride = ldb * 4
    for _ in 0..<depth {
        let b0 = pb.loadUnaligned(as: Vector16.self), b1 = pb.loadUnaligned(fromByteOffset: 64, as: Vector16.self)
        var s = Vector16(repeating: pa[0]); c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
        s = Vector16(repeating: pa[1]); c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
        s = Vector16(repeating: pa[2]); c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
        s = Vector16(repeating: pa[3]); c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
        s = Vector16(repeating: pa[4]); c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
        s = Vector16(repeating: pa[5]); c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
        s = Vector16(repeating: pa[6]); c60 = c60.addingProduct(s, b0); c61 = c61.addingProduct(s, b1)
        s = Vector16(repeating: pa[7]); c70 = c70.addingProduct(s, b0); c71 = c71.addingProduct(s, b1)
        pa += 8
        pb += bStride
    }
    let out = UnsafeMutableRawPointer(c), cStride = ldc * 4
    out.storeBytes(of: c00, as: Vector16.self); out.storeBytes(of: c01, toByteOffset: 64, as: Vector16.self)
    out.storeBytes(of: c10, toByteOffset: cStride, as: Vector16.self); out.storeBytes(of: c11, toByteOffset: cStride + 64, as: Vector16.self)
    out.storeBytes(of: c20, toByteOffset: 2 * cStride, as: Vector16.self); out.storeBytes(of: c21, toByteOffset: 2 * cStride + 64, as: Vector16.self)
    out.storeBytes(of: c30, toByteOffset: 3 * cStride, as: Vector16.self); out.storeBytes(of: c31, toByteOffset: 3 * cStride + 64, as: Vector16.self)
    out.storeBytes(of: c40, toByteOffset: 4 * cStride, as: Vector16.self); out.storeBytes(of: c41, toByteOffset: 4 * cStride + 64, as: Vector16.self)
    out.storeBytes(of: c50, toByteOffset: 5 * cStride, as: Vector16.self); out.storeBytes(of: c51, toByteOffset: 5 * cStride + 64, as: Vector16.self)
    out.storeBytes(of: c60, toByteOffset: 6 * cStride, as: Vector16.self); out.storeBytes(of: c61, toByteOffset: 6 * cStride + 64, as: Vector16.self)
    out.storeBytes(of: c70, toByteOffset: 7 * cStride, as: Vector16.self); out.storeBytes(of: c71, toByteOffset: 7 * cStride + 64, as: Vector16.self)
}

/// 8 rows x 16 columns, for the last columns of a product.
@inline(__always)
private func block8x16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, depth: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
    var c0 = Vector16(), c1 = Vector16(), c2 = Vector16(), c3 = Vector16()
    var c4 = Vector16(), c5 = Vector16(), c6 = Vector16(), c7 = Vector16()
    var pa = a, pb = UnsafeRawPointer(b)
    let bStride = ldb * 4
    for _ in 0..<depth {
        let b0 = pb.loadUnaligned(as: Vector16.self)
        c0 = c0.addingProduct(Vector16(repeating: pa[0]), b0); c1 = c1.addingProduct(Vector16(repeating: pa[1]), b0)
        c2 = c2.addingProduct(Vector16(repeating: pa[2]), b0); c3 = c3.addingProduct(Vector16(repeating: pa[3]), b0)
        c4 = c4.addingProduct(Vector16(repeating: pa[4]), b0); c5 = c5.addingProduct(Vector16(repeating: pa[5]), b0)
        c6 = c6.addingProduct(Vector16(repeating: pa[6]), b0); c7 = c7.addingProduct(Vector16(repeating: pa[7]), b0)
        pa += 8
        pb += bStride
    }
    let out = UnsafeMutableRawPointer(c), cStride = ldc * 4
    out.storeBytes(of: c0, as: Vector16.self); out.storeBytes(of: c1, toByteOffset: cStride, as: Vector16.self)
    out.storeBytes(of: c2, toByteOffset: 2 * cStride, as: Vector16.self); out.storeBytes(of: c3, toByteOffset: 3 * cStride, as: Vector16.self)
    out.storeBytes(of: c4, toByteOffset: 4 * cStride, as: Vector16.self); out.storeBytes(of: c5, toByteOffset: 5 * cStride, as: Vector16.self)
    out.storeBytes(of: c6, toByteOffset: 6 * cStride, as: Vector16.self); out.storeBytes(of: c7, toByteOffset: 7 * cStride, as: Vector16.self)
}
