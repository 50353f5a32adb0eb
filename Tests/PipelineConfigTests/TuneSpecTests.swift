import Foundation
import Testing

@testable import PipelineConfig

/// `pipeline tune` files: the same reader as the other files, so the same file:line:column errors.
@Suite struct TuneSpecTests {
    static let file = "config/training/tune.yaml"

    func parse(_ yaml: String) throws -> TuneSpec {
        try TuneSpec.parse(yaml: yaml, file: Self.file, baseDirectory: "/repo/config/training")
    }

    func yaml(space: String, extra: String = "") -> String {
        "version: 1\ntraining: train.yaml\ntrials: 4\n\(extra)space:\n\(space)\noutput: out\n"
    }

    func message(_ yaml: String) -> String {
        do {
            _ = try parse(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryDomainAndTheDefaults() throws {
        let spec = try parse(yaml(space: """
              depth: {choice: [2, 3]}
              base_filters: {choice: [8, 16]}
              initialization: {choice: [he_uniform, glorot_uniform]}
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              dropout: {uniform: [0, 0.3]}
              batch_norm: {choice: [true, false]}
              rare_class_weight: {choice: [1, 2.5]}
            """, extra: "rare_classes: [waterway]\n"))
        #expect(spec.training == "/repo/config/training/train.yaml" && spec.output == "/repo/config/training/out")
        #expect(spec.space == TuneSpace(depth: [2, 3], baseFilters: [8, 16], initialization: [.heUniform, .glorotUniform], batchNorm: [true, false],
                                        rareClassWeight: [1, 2.5], learningRate: NumberRange(low: 1e-4, high: 1e-2),
                                        dropout: NumberRange(low: 0, high: 0.3)))
        #expect(spec.algorithm == TuneSpec.Defaults.algorithm && spec.epochs == nil && spec.seed == 0 && spec.rareClasses == ["waterway"])
        let random = try parse(yaml(space: "  depth: {choice: [2]}", extra: "algorithm: random\ntrial: {epochs: 2, steps_per_epoch: 5}\n"))
        #expect(random.algorithm == .random && random.epochs == 2 && random.stepsPerEpoch == 5)
    }

    @Test func badInputsNameTheirLine() {
        #expect(message(yaml(space: "  {}")) == "config/training/tune.yaml:4:1: space: the search space is empty: give at least one of depth, base_filters, initialization, learning_rate, dropout, batch_norm, rare_class_weight")
        #expect(message(yaml(space: "  base_filter: {choice: [2]}")).hasPrefix("config/training/tune.yaml:5:3: space.base_filter: unknown key 'base_filter'"))
        #expect(message(yaml(space: "  dropout: {uniform: [0.5, 0.1]}")).hasSuffix("space.dropout.uniform: low 0.5 is above high 0.1"))
        #expect(message(yaml(space: "  dropout: {uniform: [0.1]}")).hasSuffix("uniform needs [low, high], got 1 value(s)"))
        #expect(message(yaml(space: "  learning_rate: {log_uniform: [0, 0.1]}")).hasSuffix("learning rates must be between 0 and 1 (exclusive), got [0.0, 0.1]"))
        #expect(message(yaml(space: "  depth: {uniform: [2, 4]}")).hasSuffix("this setting is searched by choice, not uniform (write depth: {choice: [a, b]})"))
        #expect(message(yaml(space: "  depth: {choice: [2, 2]}")).hasSuffix("duplicate value 2 (already at [0])"))
        #expect(message(yaml(space: "  depth: {choice: [2]}", extra: "tpe: {gamma: 0.2}\nalgorithm: random\n")).hasSuffix("'tpe' is only valid for algorithm tpe"))
        #expect(message(yaml(space: "  depth: {choice: [2]}", extra: "tpe: {gamma: 1.5}\n")).hasSuffix("gamma 1.5 must be between 0 and 1 (exclusive): the fraction of best trials"))
    }

    @Test func theShippedExampleParses() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let spec = try TuneSpec.load(path: repository.appendingPathComponent("config/training/tune-example.yaml").path)
        #expect(spec.training == repository.appendingPathComponent("config/training/default-model.yaml").path)
        #expect(spec.trials == 24 && spec.space.depth == [3, 4] && spec.rareClasses.count == 4)
    }
}
