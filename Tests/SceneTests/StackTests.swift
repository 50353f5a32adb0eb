import TestSupport
import Foundation
import Testing
import Raster
import Scene

@Suite struct StackTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// Runs the gdalwarp program onto `grid` and reads the result as Float32.
    func gdalwarp(_ source: String, to grid: RasterGrid, resampling: String) throws -> [Float] {
        let out = directory.file("warped-\(UUID().uuidString).tif")
        let b = grid.bounds
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
        process.arguments = ["-q", "-ot", "Float32", "-r", resampling, "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                             "-ts", "\(grid.width)", "\(grid.height)", "-t_srs", "EPSG:32631", "-dstnodata", "nan", source, out]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try Dataset.open(out).read(Float.self, window: .full(width: grid.width, height: grid.height))
    }

    /// A full-resolution source, a 1/4-resolution one shifted by half a pixel, and a reprojected
    /// one are stacked on the full-resolution grid; each agrees with gdalwarp within 1 DN.
    @Test func multiResolutionStackingAgreesWithGdalwarp() throws {
        let full = directory.file("full.tif"), coarse = directory.file("coarse.tif"), projected = directory.file("projected.tif")
        try TestScenes.write(full, width: 96, height: 80, bands: 2, pixel: 0.5) { b, x, y in UInt16(b * 500 + x * 3 + y * 5) }
        try TestScenes.write(coarse, width: 25, height: 21, bands: 3, origin: (500_000 - 1, 5_700_000 + 1), pixel: 2) { b, x, y in
            UInt16(1000 + b * 100 + (x * 13 + y * 29) % 97)
        }
        // The coarse source again, in Web Mercator.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
        process.arguments = ["-q", "-t_srs", "EPSG:3857", "-r", "near", coarse, projected]
        try process.run()
        process.waitUntilExit()

        let stack = try SceneStack(sources: [SceneSource(path: full), SceneSource(path: coarse, bands: [3, 1], resampling: .bilinear),
                                             SceneSource(path: projected, bands: [2], resampling: .cubic)])
        #expect(stack.bandCount == 5)
        #expect(stack.grid.width == 96 && stack.grid.height == 80)
        let values = try stack.read(window: .full(width: 96, height: 80))
        let plane = 96 * 80
        let reference = try Dataset.open(full).read(Float.self, window: .full(width: 96, height: 80))
        #expect(Array(values[0..<2 * plane]) == reference)
        let coarseWarped = try gdalwarp(coarse, to: stack.grid, resampling: "bilinear")
        let projectedWarped = try gdalwarp(projected, to: stack.grid, resampling: "cubic")
        let expected = Array(coarseWarped[2 * plane..<3 * plane]) + Array(coarseWarped[0..<plane]) + Array(projectedWarped[plane..<2 * plane])
        let ours = Array(values[2 * plane..<5 * plane])
        var worst: Float = 0
        for (a, b) in zip(ours, expected) {
            #expect(a.isNaN == b.isNaN)
            if !a.isNaN { worst = max(worst, abs(a - b)) }
        }
        #expect(worst <= 1, "worst difference \(worst) DN")
    }

    @Test func badSourcesGiveOneLineErrorsNamingTheSource() throws {
        let good = directory.file("good.tif"), far = directory.file("far.tif"), text = directory.file("text.tif")
        try TestScenes.write(good, width: 10, height: 10, bands: 2) { _, _, _ in 1 }
        try TestScenes.write(far, width: 10, height: 10, bands: 1, origin: (800_000, 5_700_000)) { _, _, _ in 1 }
        try "nope".write(toFile: text, atomically: true, encoding: .utf8)

        let outOfRange = #expect(throws: SceneError.self) {
            try SceneStack(sources: [SceneSource(path: good, bands: [1, 3], origin: "scene.sources[0] (demo.yaml:5)")])
        }
        #expect(outOfRange?.code == .badBand)
        #expect(outOfRange?.description == "scene.sources[0] (demo.yaml:5): band 3 does not exist in '\(good)' (it has 2)")

        let apart = #expect(throws: SceneError.self) {
            try SceneStack(sources: [SceneSource(path: good), SceneSource(path: far, origin: "scene.sources[1] (demo.yaml:8)")])
        }
        #expect(apart?.code == .noOverlap)
        #expect(apart?.description.hasPrefix("scene.sources[1] (demo.yaml:8): '\(far)'") == true)

        let missing = #expect(throws: SceneError.self) {
            try SceneStack(sources: [SceneSource(path: good), SceneSource(path: directory.file("gone.tif"), origin: "scene.sources[1]")])
        }
        #expect(missing?.description.contains("gone.tif") == true && missing?.description.contains("\n") == false)
        #expect(throws: SceneError.self) { try SceneStack(sources: [SceneSource(path: text)]) }

        let noCRS = directory.file("nocrs.tif")
        try TestScenes.write(noCRS, width: 10, height: 10, bands: 1, crs: nil) { _, _, _ in 1 }
        let mismatch = #expect(throws: SceneError.self) { try SceneStack(sources: [SceneSource(path: good), SceneSource(path: noCRS)]) }
        #expect(mismatch?.description.contains("has no CRS") == true)
    }

    /// The written COG carries the reference grid's CRS and geotransform, and the same tiles in a
    /// different order give a byte-identical file.
    @Test func outputKeepsTheReferenceGridAndIsDeterministic() throws {
        let source = directory.file("scene.tif")
        try TestScenes.write(source, width: 150, height: 110, bands: 3, origin: (431_000.5, 5_612_000.25), pixel: 0.31) { b, x, y in
            UInt16((b * 700 + x * 11 + y * 7) % 2048)
        }
        let stack = try SceneStack(sources: [SceneSource(path: source)])
        let model = try IdentityModel(bands: [1, 2, 3], classNames: ["red", "green", "blue"])
        let options = TilingOptions(tileSize: 64, overlap: 16, normalization: Normalization(scale: [1 / 2047]))
        let first = directory.file("a.tif"), second = directory.file("b.tif")
        let committed = try TestScenes.stitch(stack: stack, model: model, options: options, to: first)
        #expect(committed == 12)
        let output = try Dataset.open(first)
        #expect(try output.crs?.epsg == 32631)
        #expect(output.geoTransform == stack.grid.geoTransform)
        #expect(output.bandCount == 3 && output.width == 150 && output.height == 110)
        #expect(try output.band(2).name == "green")
        #expect(try output.band(1).noDataValue == 255)
        #expect(try output.band(1).overviewCount >= 0)
        #expect(!FileManager.default.fileExists(atPath: directory.file(".a.partial.dat")))

        try TestScenes.stitch(stack: stack, model: model, options: options, to: second) { $0.reverse() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    }
}
