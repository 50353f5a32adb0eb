import Foundation
import Testing

@testable import PipelineConfig

/// `pipeline train` files: the same reader as pipelines, so the same file:line:column errors.
@Suite struct TrainingSpecTests {
    static let file = "config/training/test.yaml"
    static let dstl = ["buildings", "structures", "road", "track", "trees", "crops", "waterway", "standing_water",
                       "large_vehicle", "small_vehicle"]
    static let minimal = """
        version: 1
        pipeline: ../../pipelines/demo.yaml
        classes: [buildings, road]
        scenes:
          training:
            - folder: data/a
              id: a
              truth: {mask: "{id}_truth.tif"}
          validation:
            - folder: /data/b
              truth: {polygons: "{id}_truth.gpkg"}
        output: out/model
        """

    func parse(_ yaml: String) throws -> TrainingSpec {
        try TrainingSpec.parse(yaml: yaml, file: Self.file, baseDirectory: "/repo/config/training", knownClasses: Self.dstl)
    }

    func error(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ConfigError? {
        do {
            _ = try parse(yaml)
            Issue.record("expected a ConfigError", sourceLocation: sourceLocation)
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("expected a ConfigError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// The minimal file with `line` added at the end (top-level settings).
    func with(_ extra: String) -> String { Self.minimal + "\n" + extra }

    @Test func aMinimalFileTakesTheDefaultsAndResolvesPathsAgainstItsFolder() throws {
        let spec = try parse(Self.minimal)
        #expect(spec.pipeline == "/repo/pipelines/demo.yaml")
        #expect(spec.output == "/repo/config/training/out/model")
        #expect(spec.classes == ["buildings", "road"])
        #expect(spec.training == [LabelledSceneSpec(folder: "/repo/config/training/data/a", id: "a", truth: .mask(path: "{id}_truth.tif"))])
        #expect(spec.validation[0].truth == .polygons(path: "{id}_truth.gpkg", layer: nil, classColumn: "class_name"))
        #expect(spec.patches == PatchSpec(size: 128, batch: 8, sampling: .classBalanced, augmentation: .d4))
        #expect(spec.schedule == ScheduleSpec(epochs: 20, stepsPerEpoch: 100, learningRate: 1e-3, decay: .constant))
        #expect(spec.architecture == ArchitectureSpec(depth: 4, baseFilters: 16, dropout: 0, batchNorm: true, initialization: .heUniform))
        #expect(spec.earlyStopping == nil && spec.classWeights == nil && spec.seed == 0)
    }

    @Test func everySettingIsRead() throws {
        let spec = try parse(with("""
            patches: {size: 64, batch: 4, sampling: uniform, augmentation: none}
            schedule: {epochs: 3, steps_per_epoch: 7, learning_rate: 0.01, decay: step, step_every: 2, step_factor: 0.1}
            early_stopping: {patience: 2}
            architecture: {depth: 3, base_filters: 8, dropout: 0.25, batch_norm: false, initialization: glorot_uniform}
            loss: {class_weights: [1, 2.5]}
            seed: 101
            """))
        #expect(spec.patches == PatchSpec(size: 64, batch: 4, sampling: .uniform, augmentation: PatchAugmentation.none))
        #expect(spec.schedule.decay == .step(everyEpochs: 2, factor: 0.1))
        #expect(spec.schedule.epochs == 3 && spec.schedule.stepsPerEpoch == 7 && spec.schedule.learningRate == 0.01)
        #expect(spec.earlyStopping == EarlyStoppingSpec(patience: 2))
        #expect(spec.architecture == ArchitectureSpec(depth: 3, baseFilters: 8, dropout: 0.25, batchNorm: false, initialization: .glorotUniform))
        #expect(spec.classWeights == [1, 2.5] && spec.seed == 101)
    }

    @Test func anUnknownClassIsOneLineWithASuggestion() {
        let found = error(Self.minimal.replacingOccurrences(of: "[buildings, road]", with: "[buildings, roads]"))
        #expect(found?.line == 3 && found?.column == 22, "\(String(describing: found))")
        #expect(found?.description == "config/training/test.yaml:3:22: classes[1]: unknown class 'roads' (did you mean 'road'?)")
    }

    @Test func aSceneWithoutTruthIsAnError() {
        let found = error(Self.minimal.replacingOccurrences(of: "      truth: {mask: \"{id}_truth.tif\"}\n", with: ""))
        #expect(found?.code == .missingKey && found?.line == 6, "\(String(describing: found))")
        #expect(found?.fieldPath.description == "scenes.training[0]")
        #expect(found?.message.contains("has no truth") == true)
    }

    @Test func truthNeedsExactlyOneOfMaskAndPolygons() {
        let both = error(Self.minimal.replacingOccurrences(of: "{mask: \"{id}_truth.tif\"}", with: "{mask: m.tif, polygons: p.gpkg}"))
        #expect(both?.code == .conflictingKey && both?.fieldPath.description == "scenes.training[0].truth", "\(String(describing: both))")
        let layer = error(Self.minimal.replacingOccurrences(of: "{mask: \"{id}_truth.tif\"}", with: "{mask: m.tif, layer: truth}"))
        #expect(layer?.message == "'layer' is only valid for polygons", "\(String(describing: layer))")
    }

    @Test func unknownKeysGetSuggestions() {
        let found = error(with("architecture: {base_filter: 8}"))
        #expect(found?.code == .unknownKey && found?.line == 13, "\(String(describing: found))")
        #expect(found?.message == "unknown key 'base_filter' (did you mean 'base_filters'?)")
        let top = error(with("epochs: 3"))
        #expect(top?.message.contains("unknown key 'epochs'") == true, "\(String(describing: top))")
    }

    @Test func badValuesNameTheirSetting() {
        let cases: [(String, String, String)] = [
            ("patches: {size: 100}", "patches.size", "patch size 100 must be a multiple of 2^depth = 16"),
            ("patches: {size: 8}", "patches.size", "patch size 8 is out of range (16 to 4096)"),
            ("schedule: {learning_rate: 0}", "schedule.learning_rate", "must be between 0 and 1"),
            ("schedule: {decay: linear}", "schedule.decay", "unknown decay 'linear' (expected one of constant, step, cosine)"),
            ("schedule: {decay: cosine, step_every: 3}", "schedule.step_every", "'step_every' is only valid for decay step"),
            ("architecture: {batch_norm: yes}", "architecture.batch_norm", "expected true or false, got 'yes'"),
            ("architecture: {dropout: 1}", "architecture.dropout", "dropout 1.0 must be at least 0 and below 1"),
            ("loss: {class_weights: [1]}", "loss.class_weights", "1 class weights for 2 classes"),
            ("early_stopping: {patience: 0}", "early_stopping.patience", "patience 0 must be at least 1"),
            ("seed: -1", "seed", "seed -1 must not be negative"),
        ]
        for (extra, path, message) in cases {
            let found = error(with(extra))
            #expect(found?.fieldPath.description == path, "\(extra): \(String(describing: found))")
            #expect(found?.message.contains(message) == true, "\(extra): \(String(describing: found))")
            #expect(found?.line == 13, "\(extra): \(String(describing: found))")
        }
    }

    @Test func missingSectionsAndVersionsAreReported() {
        let noScenes = error("version: 1\npipeline: p.yaml\nclasses: [road]\noutput: o")
        #expect(noScenes?.message == "missing required key 'scenes'", "\(String(describing: noScenes))")
        let emptyTraining = error(Self.minimal.replacingOccurrences(
            of: "  training:\n    - folder: data/a\n      id: a\n      truth: {mask: \"{id}_truth.tif\"}\n", with: "  training: []\n"))
        #expect(emptyTraining?.message == "needs at least one scene folder", "\(String(describing: emptyTraining))")
        let future = error(Self.minimal.replacingOccurrences(of: "version: 1", with: "version: 2"))
        #expect(future?.code == .unsupportedVersion)
    }
}

/// The shipped training files parse.
@Suite struct ShippedTrainingFileTests {
    @Test func defaultModelParses() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.appendingPathComponent("config/training/default-model.yaml").path
        let spec = try TrainingSpec.load(path: path, knownClasses: TrainingSpecTests.dstl)
        #expect(spec.classes == TrainingSpecTests.dstl)
        #expect(spec.training.count == 3 && spec.validation.count == 1)
        #expect(spec.pipeline == repository.appendingPathComponent("pipelines/demo.yaml").path)
    }
}
