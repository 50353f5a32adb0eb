import Foundation
import TestSupport
import Testing

/// Tiling that follows the model (receptive radius 23 px, tiles in multiples of 4): the warning
/// for a margin below the radius, the choice in the run report, and stitched outputs equal to
/// whole-scene inference (`pipeline infer` on the scene) when the margin covers the field.
@Suite(.serialized) struct TilingFollowsModelTests {
    static let size = 120, radius = 23

    /// A 120-px scene, a 3-band U-Net that normalizes its input itself, and a pipeline factory.
    struct Setup {
        let fixture: DistributedFixture
        let model: String

        init() throws {
            fixture = try DistributedFixture(size: TilingFollowsModelTests.size)
            model = fixture.directory.file("unet3.onnx")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", ONNXPipelineTests.script, model, "3", "48", "2", "--normalization", "1000", "400"]
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "make_pipeline_model.py failed")
        }

        /// Runs a pipeline over the scene's RGB file with `tiling` (YAML flow mapping, or nil).
        func run(_ name: String, tiling: String?, blending: String = "none") throws -> PipelineBinary.Result {
            let yaml = fixture.directory.file("\(name).yaml")
            try """
                version: 1
                scene: {id: chaos, sources: [{path: "{id}.tif"}]}
                normalization: {mode: model}
                \(tiling.map { "tiling: \($0)" } ?? "")
                blending: {window: \(blending)}
                model: {kind: onnx, path: \(model), tta: none}
                """.write(toFile: yaml, atomically: true, encoding: .utf8)
            return try PipelineBinary.run(["run", yaml, "--scene", fixture.scene, "--out", fixture.directory.file(name), "--workers", "0"])
        }

        /// A raster's bands as raw values (through gdal_translate to ENVI, band-sequential).
        func raw(_ path: String) throws -> Data {
            let target = path + ".dat"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BSQ", path, target]
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "gdal_translate \(path) failed")
            return try Data(contentsOf: URL(fileURLWithPath: target))
        }

        /// Largest |stitched - whole scene| over pixels at least the receptive radius from the
        /// scene's border (tiles mirror the scene there, whole-scene inference pads with zeros).
        func interiorDifference(run name: String, wholeScene: [Float]) throws -> Float {
            let stitched = [UInt8](try raw(fixture.directory.file("\(name)/probabilities.tif")))
            let n = TilingFollowsModelTests.size, r = TilingFollowsModelTests.radius
            #expect(stitched.count == 2 * n * n && wholeScene.count == 2 * n * n)
            var worst: Float = 0
            for band in 0..<2 {
                for y in r..<(n - r) {
                    for x in r..<(n - r) {
                        let i = (band * n + y) * n + x
                        worst = max(worst, abs(Float(stitched[i]) / 254 - wholeScene[i]))
                    }
                }
            }
            return worst
        }
    }

    @Test func aMarginBelowTheRadiusIsOneWarningLineWithTheOverlapNeeded() throws {
        let setup = try Setup()
        let small = try setup.run("small", tiling: "{tile_size: 96, overlap: 16}")
        #expect(small.status == 0, "\(small.errorOutput)")
        let warnings = small.errorOutput.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(small.errorOutput)")
        #expect(warnings.first?.contains("tiling.overlap (") == true, "names the YAML line: \(small.errorOutput)")
        #expect(warnings.first?.contains("margin of 8 px, less than the model's receptive radius of 23 px") == true, "\(small.errorOutput)")
        #expect(warnings.first?.contains("an overlap of 48 or more") == true, "\(small.errorOutput)")

        let enough = try setup.run("enough", tiling: "{tile_size: 96, overlap: 48}")
        #expect(enough.status == 0, "\(enough.errorOutput)")
        #expect(!enough.errorOutput.contains("warning"), "\(enough.errorOutput)")
        let report = try setup.fixture.report("enough")["run"] as? [String: Any]
        let choice = report?["tilingChoice"] as? [String: Any]
        #expect(choice?["tileSize"] as? Int == 96 && choice?["overlap"] as? Int == 48)
        #expect(choice?["tileSizeAutomatic"] as? Bool == false && choice?["overlapAutomatic"] as? Bool == false)
        #expect(choice?["receptiveRadius"] as? Int == 23)
    }

    @Test func leftOutTilingFollowsTheModelAndIsReported() throws {
        let setup = try Setup()
        let auto = try setup.run("auto", tiling: nil)
        #expect(auto.status == 0, "\(auto.errorOutput)")
        #expect(!auto.errorOutput.contains("warning"), "\(auto.errorOutput)")
        #expect(auto.output.contains("chosen for the model"), "\(auto.output)")
        let choice = (try setup.fixture.report("auto")["run"] as? [String: Any])?["tilingChoice"] as? [String: Any]
        #expect(choice?["tileSizeAutomatic"] as? Bool == true && choice?["overlapAutomatic"] as? Bool == true)
        // Margin: the radius 23 rounded up to the model's multiple of 4; one tile covers the small scene.
        #expect(choice?["overlap"] as? Int == 48, "\(String(describing: choice))")
        #expect(choice?["tileSize"] as? Int == 168, "\(String(describing: choice))")

        let tileOnly = try setup.run("tile-only", tiling: "{tile_size: 64}")
        #expect(tileOnly.status == 0, "\(tileOnly.errorOutput)")
        let chosen = (try setup.fixture.report("tile-only")["run"] as? [String: Any])?["tilingChoice"] as? [String: Any]
        #expect(chosen?["tileSize"] as? Int == 64 && chosen?["overlap"] as? Int == 32, "at most half the given tile: \(String(describing: chosen))")
        #expect(tileOnly.errorOutput.contains("warning") && tileOnly.errorOutput.contains("tiling.tile_size"), "\(tileOnly.errorOutput)")
    }

    @Test func stitchedEqualsWholeSceneInferenceWhenTheMarginCoversTheField() throws {
        let setup = try Setup()
        let whole = setup.fixture.directory.file("whole.tif")
        let infer = try PipelineBinary.run(["infer", setup.model, "--input", setup.fixture.scene + "/chaos.tif", "--out", whole])
        #expect(infer.status == 0, "\(infer.errorOutput)")
        let wholeScene = try setup.raw(whole).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }

        // Margin 24 >= 23 on the model's grid: each kept pixel saw its whole field.
        #expect(try setup.run("covered", tiling: "{tile_size: 64, overlap: 48}").status == 0)
        let quantization = Float(0.5 / 254) + 1e-4
        #expect(try setup.interiorDifference(run: "covered", wholeScene: wholeScene) <= quantization)
        // The same tiles with a margin of 8 px differ (the comparison can fail).
        #expect(try setup.run("short", tiling: "{tile_size: 64, overlap: 16}").status == 0)
        #expect(try setup.interiorDifference(run: "short", wholeScene: wholeScene) > 0.01)
    }
}
