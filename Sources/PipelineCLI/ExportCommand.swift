import ArgumentParser
import Foundation
import Maps
import PipelineConfig
import Scene

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Re-run post-processing rules and exports on a finished run, without inference.",
        discussion: """
            Reads RUN_DIR/probabilities.tif (the stitched probabilities, a run's resume state) and the \
            run's pipeline (recorded in RUN_DIR/run-report.json), applies the rule set — the pipeline's, \
            or --rules — and writes the decided masks (decided.tif) and the products of --formats (or the \
            pipeline's outputs.formats): classes (label raster), masks, polygons, geojson. A rule set \
            whose index rules read scene bands reads the scene again from the recorded scene folder.
            """
    )

    @Argument(help: "Output folder of a finished `pipeline run`.")
    var runDirectory: String

    @Option(help: "Post-processing rule set (YAML) to apply instead of the pipeline's.")
    var rules: String?

    @Option(help: "Comma-separated products to write instead of the pipeline's: classes, masks, polygons, geojson.")
    var formats: String?

    @Option(help: "Polygon simplification tolerance in map units (default: the pipeline's outputs.simplify, else 0).")
    var simplify: Double?

    func validate() throws {
        if let simplify, !(simplify >= 0) { throw ValidationError("--simplify must be 0 or more (map units), got \(simplify)") }
    }

    func run() throws {
        var report = try PipelineRunReport.read(runDirectory: runDirectory)
        var spec = try loadRecordedPipeline(report.source)
        if let simplify { spec.outputs.simplify = simplify }
        let chosen = try formats.map(parseFormats)
        guard let map = try MapSetup.settings(spec: spec, classNames: report.tiles.run.classes, rules: rules, formats: chosen) else {
            throw ValidationFailure(message: "\(report.source.pipeline): the pipeline names no class catalogue (`classes:`), so there are no classes to export")
        }
        var bands: SceneBandStrips?
        if map.ruleSet.readsBands {
            Console.line("export: rule set '\(map.ruleSet.name)' reads scene bands: opening the scene in \(report.source.scene)")
            let source = report.source
            // A scene of a STAC ItemCollection opens its recorded assets.
            let sources = if let assets = source.assets, let stac = source.stac {
                try spec.sceneSources(at: .stacItem(STACItem(id: source.sceneID ?? "", assets: assets, file: stac, folder: source.scene)))
            } else {
                try spec.sceneSources(sceneDirectory: source.scene, sceneID: source.sceneID)
            }
            let stack = try SceneStack(sources: sources,
                                       reference: spec.scene.reference)
            bands = try MapSetup.bands(for: map, spec: spec, stack: stack)
        }
        report.maps = try MapMaker.make(runDirectory: runDirectory, settings: map, bands: bands) { Console.line("export: \($0)") }
        try report.write(runDirectory: runDirectory)
        Console.line("export: " + CoordinatorOptions.outputsLine(runDirectory, maps: report.maps))
    }

    private func loadRecordedPipeline(_ source: RunSource) throws -> PipelineSpec {
        guard FileManager.default.fileExists(atPath: source.pipeline) else {
            throw ValidationFailure(message: "\(PipelineRunReport.path(in: runDirectory)): the run's pipeline \(source.pipeline) is gone")
        }
        return try PipelineSpec.load(path: source.pipeline)
    }

    private func parseFormats(_ text: String) throws -> [OutputFormat] {
        try text.split(separator: ",").map { name in
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let format = OutputFormat(rawValue: name), format.needsClasses else {
                let known = OutputFormat.allCases.filter(\.needsClasses).map(\.rawValue).joined(separator: ", ")
                throw ValidationFailure(message: "--formats: unknown format '\(name)' (expected some of \(known))")
            }
            return format
        }
    }
}
