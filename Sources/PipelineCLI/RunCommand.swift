import ArgumentParser
import Foundation
import PipelineConfig
import Scene

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline on a scene: stack, tile, predict, stitch, write georeferenced outputs.",
        discussion: """
            Reads the scene's sources from --scene (paths in the pipeline are relative to it), stacks
            them on the reference grid, runs the model on overlapping tiles and blends the results into
            OUT/probabilities.tif (a Cloud-Optimized GeoTIFF, one UInt8 band per class, 0..254 = 0..1,
            255 = nodata) with OUT/run-report.json beside it.
            """
    )

    @Argument(help: "Pipeline definition (YAML), e.g. pipelines/demo.yaml.")
    var pipeline: String

    @Option(help: "Folder holding the scene's files.")
    var scene: String

    @Option(help: "Output folder (default: the pipeline's outputs.directory).")
    var out: String?

    @Option(name: .customLong("scene-id"), help: "Scene id substituted for {id} in source paths (default: the pipeline's scene.id).")
    var sceneID: String?

    func run() throws {
        let spec = try PipelineSpec.load(path: pipeline)
        guard let outputDirectory = out ?? spec.outputs.directory else {
            throw ValidationFailure(message: "\(pipeline): no output folder: pass --out or set outputs.directory")
        }
        let stack = try SceneStack(sources: spec.sceneSources(sceneDirectory: scene, sceneID: sceneID), reference: spec.scene.reference)
        try spec.validateStackedBandCount(stack.bandCount)
        let options = try spec.tilingOptions(stackBandCount: stack.bandCount)
        let model = try spec.tileModel(stackBandCount: stack.bandCount)
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        Console.line("run: \(spec.name): \(stack.grid.width) x \(stack.grid.height) px, \(stack.bandCount) bands, CRS \(stack.grid.crs?.description ?? "none"); "
              + "tiles \(options.tileSize) px, overlap \(options.overlap), \(model.classNames.count) classes")

        let progress = ProgressPrinter()
        var report = try InProcessRunner.run(stack: stack, model: model, options: options,
                                             outputPath: "\(outputDirectory)/probabilities.tif", progress: progress.update)
        report.peakResidentMegabytes = ProcessStats.peakResidentMegabytes
        let reportPath = "\(outputDirectory)/run-report.json"
        try report.json().write(to: URL(fileURLWithPath: reportPath))
        Console.line(String(format: "run: %d tiles in %.1f s (%d skipped without data), peak RSS %.0f MB",
                     report.tilesCommitted, report.timings.totalSeconds, report.tilesSkipped, ProcessStats.peakResidentMegabytes))
        Console.line("run: outputs in \(outputDirectory): probabilities.tif, run-report.json")
    }
}
