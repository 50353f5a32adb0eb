import ArgumentParser
import Foundation
import SceneSynthesis

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic DSTL-like WorldView-3 scene with ground truth.",
        discussion: """
            Writes <id>.tif (RGB), <id>_P.tif (panchromatic), <id>_M.tif (8-band multispectral at 1/4 \
            resolution), <id>_A.tif (8-band SWIR at ~1/24), <id>_truth.tif (10-band UInt8 mask of the \
            DSTL classes) and <id>_truth.gpkg (polygons with class_id and class_name), in UTM zone 31N. \
            The same seed and size give byte-identical files.
            """
    )

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: "Width and height of the full-resolution products, in pixels (0.31 m each).")
    var size: Int = 2048

    @Option(name: .long, help: "Width in pixels (default: --size); a wide or tall scene covers as much more ground.")
    var width: Int?

    @Option(name: .long, help: "Height in pixels (default: --size).")
    var height: Int?

    @Option(name: .long, help: "Random seed: the same seed and size give the same scene.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Scene id used in file names (default synth_<seed>).")
    var id: String?

    func run() throws {
        let start = Date()
        try OutputFiles.createFolder(out, option: "--out")
        let synthesizer = try SceneSynthesizer(width: width ?? size, height: height ?? size, seed: seed, sceneID: id)
        Console.line(String(format: "synth: scene %@, %d x %d px, %.0f x %.0f m, seed %llu",
                     synthesizer.sceneID, synthesizer.width, synthesizer.height, synthesizer.extent.width, synthesizer.extent.height, seed))
        let report = try synthesizer.write(to: out) { Console.line("synth: \($0)") }
        Console.line("synth: ground-truth pixels and polygons per class:")
        for (pixels, polygons) in zip(report.classPixels, report.classPolygons) {
            let name = pixels.sceneClass.name.padding(toLength: 15, withPad: " ", startingAt: 0)
            Console.line(String(format: "  %2d %@ %11d px %7d polygons", pixels.sceneClass.id, name, pixels.count, polygons.count))
        }
        Console.line(String(format: "synth: done in %.1f s, peak RSS %.0f MB; outputs in %@",
                     Date().timeIntervalSince(start), ProcessStats.peakResidentMegabytes, out))
    }
}
