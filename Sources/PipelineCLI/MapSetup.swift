import Exports
import Foundation
import Maps
import PipelineConfig
import PostProcessing
import Scene

/// The map stages' settings for a pipeline: its class catalogue resolved in the model's class
/// order, its rule set (or `--rules`), its formats (or `--formats`). Checked before any work, so a
/// bad catalogue or rule is one line naming the file and line, and nothing is run.
enum MapSetup {
    /// nil when the pipeline names no catalogue: the run writes probabilities only.
    static func settings(spec: PipelineSpec, classNames: [String], rules: String? = nil, formats: [OutputFormat]? = nil) throws -> MapSettings? {
        let formats = formats ?? spec.outputs.formats
        guard let cataloguePath = spec.classes else {
            if let format = formats.first(where: \.needsClasses) {
                throw ValidationFailure(message: "\(spec.locations.describe(FieldPath.root.key("outputs").key("formats"))): "
                    + "format '\(format.rawValue)' needs a class catalogue: add `classes:` (e.g. config/classes/dstl.yaml) to the pipeline")
            }
            return nil
        }
        let place = spec.locations.describe(FieldPath.root.key("classes"))
        let catalogue = URL(fileURLWithPath: cataloguePath).standardizedFileURL.path
        let classes: ClassSet
        do {
            classes = try ClassSet.load(path: catalogue).resolve(modelClassNames: classNames, catalogue: catalogue)
        } catch let error as SceneError {
            throw ValidationFailure(message: "\(place): \(error.message)")
        }
        let ruleFile = rules ?? spec.rules
        let ruleSet = try ruleFile.map { try RuleSet.load(path: $0, classNames: classNames, bandNames: spec.declaredBandNames) }
            ?? MapSettings.catalogueThresholds()
        let exports = Set(formats.compactMap { ExportFormat(rawValue: $0.rawValue) })
        return MapSettings(classes: classes, catalogue: catalogue, ruleSet: ruleSet, ruleSetFile: ruleFile, formats: exports,
                           simplifyTolerance: spec.outputs.simplify)
    }

    /// The scene bands a rule set reads, under the pipeline's band names; nil when it reads none.
    static func bands(for settings: MapSettings?, spec: PipelineSpec, stack: SceneStack) throws -> SceneBandStrips? {
        guard let settings, settings.ruleSet.readsBands else { return nil }
        return SceneBandStrips(stack: stack, indices: try spec.stackedBandIndices(sourceBandCounts: stack.sourceBandCounts))
    }
}
