import TestSupport
import Foundation
import Testing
import Raster
import Scene

/// The stack's fast path (`SeparableLayer`) against GDAL's warper on the same sources: nearest
/// equal bit for bit, bilinear and cubic within 0.001 DN, nodata (NaN) in the same places; sources
/// it cannot take go through the warper.
@Suite struct StackFastPathTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// A 96 x 80 reference at 0.5 m, and a source of `width` x `height` pixels of `pixel` m whose
    /// top-left corner is `shift` (x, y) metres from the reference's.
    func compare(width: Int, height: Int, pixel: Double, shift: (Double, Double) = (0, 0), resampling: Resampling,
                 expectedPath: StackingPath, tolerance: Float, line: Int = #line) throws {
        let reference = directory.file("reference-\(line).tif"), source = directory.file("source-\(line)-\(resampling).tif")
        try TestScenes.write(reference, width: 96, height: 80, bands: 1, pixel: 0.5) { _, x, y in UInt16(x + y) }
        // Smooth and rough parts, so that kernels and rounding are exercised.
        try TestScenes.write(source, width: width, height: height, bands: 3,
                             origin: (500_000 + shift.0, 5_700_000 + shift.1), pixel: pixel) { b, x, y in
            UInt16((b * 300 + x * 37 + y * 53 + (x * y) % 11 * 97) % 2048)
        }
        let sources = [SceneSource(path: reference), SceneSource(path: source, bands: [3, 1], resampling: resampling)]
        let fast = try SceneStack(sources: sources), warper = try SceneStack(sources: sources, fastPath: false)
        #expect(fast.paths == [.direct, expectedPath], "line \(line)")
        #expect(warper.paths == [.warper, .warper])
        // The whole grid, and a window that starts inside it (as tile rows do).
        for window in [PixelWindow.full(width: 96, height: 80), PixelWindow(col: 7, row: 13, width: 61, height: 29)] {
            let a = try fast.read(window: window), b = try warper.read(window: window)
            #expect(a.count == b.count)
            var worst: Float = 0, nanMismatches = 0
            for (x, y) in zip(a, b) {
                if x.isNaN != y.isNaN { nanMismatches += 1 } else if !x.isNaN { worst = max(worst, abs(x - y)) }
            }
            #expect(nanMismatches == 0, "line \(line) \(resampling) \(window): \(nanMismatches) pixels valid on one side only")
            #expect(worst <= tolerance, "line \(line) \(resampling) \(window): worst difference \(worst) DN")
            #expect(a.contains { !$0.isNaN })
        }
        // One band alone (the path index rules use) gives the same values as in the stack.
        let plane = 96 * 80
        #expect(try fast.read(band: 3, window: .full(width: 96, height: 80)).elementsEqual(try fast.read(window: .full(width: 96, height: 80))[2 * plane..<3 * plane]) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test(arguments: [Resampling.nearest, .bilinear, .cubic])
    func integerRatiosAgreeWithTheWarper(resampling: Resampling) throws {
        let tolerance: Float = resampling == .nearest ? 0 : 0.001
        // 1:1 shifted by half a pixel, 1:2, 1:4 (DSTL's M product), 1:4 shifted by a source pixel and a half.
        try compare(width: 96, height: 80, pixel: 0.5, shift: (0.25, -0.25), resampling: resampling, expectedPath: .separable, tolerance: tolerance)
        try compare(width: 48, height: 40, pixel: 1, resampling: resampling, expectedPath: .separable, tolerance: tolerance)
        try compare(width: 24, height: 20, pixel: 2, resampling: resampling, expectedPath: .separable, tolerance: tolerance)
        try compare(width: 26, height: 22, pixel: 2, shift: (-3, 3), resampling: resampling, expectedPath: .separable, tolerance: tolerance)
    }

    @Test(arguments: [Resampling.nearest, .bilinear, .cubic])
    func otherRatiosAndPartialFootprintsAgreeWithTheWarper(resampling: Resampling) throws {
        let tolerance: Float = resampling == .nearest ? 0 : 0.001
        // DSTL's A product: 1/24 of the full resolution rounded, so not an integer ratio (here 48 / 7).
        try compare(width: 7, height: 6, pixel: 48.0 / 7 * 0.5, resampling: resampling, expectedPath: .separable, tolerance: tolerance)
        // A source covering only part of the grid, off by a fraction of a pixel: NaN outside it.
        try compare(width: 15, height: 9, pixel: 2.5, shift: (11.3, -7.9), resampling: resampling, expectedPath: .separable, tolerance: tolerance)
    }

    @Test func sourcesTheFastPathCannotTakeGoThroughTheWarper() throws {
        let reference = directory.file("ref.tif")
        try TestScenes.write(reference, width: 40, height: 40, bands: 1, pixel: 1) { _, x, y in UInt16(x * y % 200) }
        let withNoData = directory.file("nodata.tif"), finer = directory.file("finer.tif")
        try TestScenes.write(withNoData, width: 20, height: 20, bands: 1, pixel: 2, noData: 0) { _, x, y in UInt16((x + y) % 5) }
        try TestScenes.write(finer, width: 80, height: 80, bands: 1, pixel: 0.5) { _, x, y in UInt16(x + 2 * y) }
        let cases: [(SceneSource, StackingPath)] = [
            (SceneSource(path: withNoData, resampling: .bilinear), .warper),                  // nodata
            (SceneSource(path: reference, resampling: .nearest, noData: 3), .warper),          // nodata given in the pipeline
            (SceneSource(path: finer, resampling: .bilinear), .warper),                        // downsampling widens the kernel
            (SceneSource(path: finer, resampling: .nearest), .separable),                      // ... but not nearest's
            (SceneSource(path: finer, resampling: .average), .warper),
            (SceneSource(path: reference, resampling: .average), .warper),
        ]
        for (source, path) in cases {
            let stack = try SceneStack(sources: [SceneSource(path: reference), source])
            #expect(stack.paths == [.direct, path], "\(source.path) \(source.resampling)")
            let warper = try SceneStack(sources: [SceneSource(path: reference), source], fastPath: false)
            let a = try stack.read(window: .full(width: 40, height: 40)), b = try warper.read(window: .full(width: 40, height: 40))
            #expect(a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(source.path) \(source.resampling)")
        }
        // Another CRS is reprojected by the warper, whatever the resampling.
        let projected = directory.file("projected.tif")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
        process.arguments = ["-q", "-t_srs", "EPSG:3857", "-r", "near", reference, projected]
        try process.run()
        process.waitUntilExit()
        #expect(try SceneStack(sources: [SceneSource(path: reference), SceneSource(path: projected)]).paths == [.direct, .warper])
    }
}
