import PipelineConfig
import Scene

/// What a pipeline's `classes:` and `rules:` give a run: the catalogue's classes in the model's
/// order, and the rule set to apply.
public struct PostProcessingSetup {
    public let classes: ClassSet
    public let ruleSet: RuleSet
}

extension PipelineSpec {
    /// Loads the pipeline's class catalogue, matches the model's class names against it (in the
    /// model's order) and loads the rule set: `rulesOverride` (e.g. `--rules`, resolved by the
    /// caller) or the pipeline's `rules:`; with neither, the catalogue's thresholds alone. Nil when
    /// the pipeline names no catalogue: its run writes probabilities only.
    ///
    /// Errors are one line naming the file and line: a missing catalogue or rule set names the
    /// pipeline's key, a bad entry its own file, an unknown model class the catalogue.
    public func postProcessingSetup(modelClassNames: [String], rulesOverride: String? = nil) throws -> PostProcessingSetup? {
        guard let cataloguePath = classes else { return nil }
        let catalogue = try withKeyContext("classes") { try ClassSet.load(path: cataloguePath) }
        let resolved = try catalogue.resolve(modelClassNames: modelClassNames, catalogue: cataloguePath)
        // Rule sets are checked against the whole catalogue when read (a typo gets "did you mean"),
        // then against the model's classes: a rule on a class the model lacks is an error too.
        let ruleSet: RuleSet
        if let path = rulesOverride {
            ruleSet = try RuleSet.load(path: path, classNames: catalogue.names, bandNames: declaredBandNames)
        } else if let path = rules {
            ruleSet = try withKeyContext("rules") {
                try RuleSet.load(path: path, classNames: catalogue.names, bandNames: declaredBandNames)
            }
        } else {
            ruleSet = RuleSet(name: "thresholds")
        }
        try PostProcessor.check(ruleSet: ruleSet, classes: resolved, bandNames: declaredBandNames)
        return PostProcessingSetup(classes: resolved, ruleSet: ruleSet)
    }

    /// A file named by `key` that cannot be read at all is reported at the pipeline's line.
    private func withKeyContext<T>(_ key: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ConfigError where error.code == .unreadableFile {
            throw locations.error(.unreadableFile, at: FieldPath.root.key(key), "\(error.file): \(error.message)")
        }
    }
}
