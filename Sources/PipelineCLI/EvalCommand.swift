import ArgumentParser
import Evaluation
import Foundation
import Maps
import Scene

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a finished run's class map against ground truth (per-class Jaccard).",
        discussion: """
            Compares RUN_DIR/decided.tif (the classes after the rules) with ground truth on the run's \
            grid: a raster with one 0/1 band per class (matched by band name, else by order), or \
            polygons (GeoPackage, GeoJSON, Shapefile…) with a class_id or class_name column, rasterized \
            onto the grid. Prints, per class, truth and predicted pixels, intersection, union and the \
            Jaccard index pooled over all pixels, then the mean over the classes present in the truth; \
            --json prints the same as JSON. Also writes RUN_DIR/evaluation.json.
            """
    )

    @Argument(help: "Output folder of a finished `pipeline run` (or `pipeline export`).")
    var runDirectory: String

    @Option(help: "Ground truth: a mask raster (one band per class) or polygons with a class column.")
    var truth: String

    @Option(help: "The truth file's layer (vector files with several layers).")
    var layer: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let report = try PipelineRunReport.read(runDirectory: runDirectory)
        guard let maps = report.maps else {
            throw ValidationFailure(message: "\(runDirectory): the run has no class map (its pipeline names no class catalogue); nothing to score")
        }
        let classes = try ClassSet.load(path: maps.catalogue).resolve(modelClassNames: report.tiles.run.classes, catalogue: maps.catalogue)
        let masks = try DecidedMasks(path: "\(runDirectory)/decided.tif", classes: classes)
        let evaluation = try Evaluator(masks: masks, truth: GroundTruth.detect(path: truth, layer: layer)).run()
        let text = try evaluation.json()
        try OutputFiles.write(Data(text.utf8), to: "\(runDirectory)/evaluation.json", what: "evaluation")
        Console.line(json ? text : evaluation.table())
    }
}
