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
        let setup: PostProcessingSetup
        do {
            guard let loaded = try spec.postProcessingSetup(modelClassNames: classNames, rulesOverride: rules) else { return nil }
            setup = loaded
        } catch let error as SceneError {
            throw ValidationFailure(message: "\(spec.locations.describe(FieldPath.root.key("classes"))): \(error.message)")
        }
        let exports = Set(formats.compactMap { ExportFormat(rawValue: $0.rawValue) })
        return MapSettings(classes: setup.classes, catalogue: URL(fileURLWithPath: cataloguePath).standardizedFileURL.path,
                           ruleSet: setup.ruleSet, ruleSetFile: rules ?? spec.rules, formats: exports, simplifyTolerance: spec.outputs.simplify)
    }

    /// The scene bands a rule set reads, under the pipeline's band names; nil when it reads none.
    static func bands(for settings: MapSettings?, spec: PipelineSpec, stack: SceneStack) throws -> SceneBandStrips? {
        guard let settings, settings.ruleSet.readsBands else { return nil }
        return SceneBandStrips(stack: stack, indices: try spec.stackedBandIndices(sourceBandCounts: stack.sourceBandCounts))
    }
}
