import Foundation
import PipelineConfig
import TrainingRun
import Distributed

/// One trial of `pipeline tune`, as written to OUT/trials/NNN/trial.json before it starts and
/// sent to a worker in the TRIAL job: what the worker needs to train it (the base training file,
/// an absolute path on shared storage, and the values drawn), and the point in the search space
/// the search's TPE learns from.
struct TrialRecord: Codable, Equatable {
    var trial: Int
    /// The `pipeline train` file every trial starts from (absolute path).
    var training: String
    var epochs: Int?
    var stepsPerEpoch: Int?
    var rareClasses: [String]
    /// One value per searched dimension, in `TuneSpace.searchSpace` order (a choice's index).
    var point: [Double]
    var depth: Int
    var baseFilters: Int
    var initialization: WeightInitializationName
    var learningRate: Double
    var dropout: Double
    var batchNorm: Bool
    var rareClassWeight: Double?

    /// The training file's settings with this trial's values; outputs go to `folder`.
    func apply(to spec: inout TrainingSpec, folder: String) {
        spec.architecture = ArchitectureSpec(depth: depth, baseFilters: baseFilters, dropout: dropout, batchNorm: batchNorm,
                                             initialization: initialization)
        spec.schedule.learningRate = learningRate
        if let epochs { spec.schedule.epochs = epochs }
        if let stepsPerEpoch { spec.schedule.stepsPerEpoch = stepsPerEpoch }
        if let rareClassWeight {
            let base = spec.classWeights ?? Array(repeating: 1, count: spec.classes.count)
            spec.classWeights = zip(spec.classes, base).map { rareClasses.contains($0) ? $1 * rareClassWeight : $1 }
        }
        spec.output = folder
    }

    /// The searched values for the results table and CSV, in `TuneSpace.columns` order.
    func values(_ columns: [String]) -> [String] {
        columns.map { column in
            switch column {
            case "depth": String(depth)
            case "base_filters": String(baseFilters)
            case "initialization": initialization.rawValue
            case "learning_rate": String(format: "%.3g", learningRate)
            case "dropout": String(format: "%.3f", dropout)
            case "batch_norm": String(batchNorm)
            case "rare_class_weight": rareClassWeight.map { String(format: "%g", $0) } ?? ""
            default: ""
            }
        }
    }
}

/// What a finished trial scored, written by `pipeline tune` as OUT/trials/NNN/result.json.
struct TrialResult: Codable, Equatable {
    /// Best mean validation Jaccard over its epochs (nil: the trial failed).
    var bestJaccard: Double?
    var bestEpoch: Int?
    var epochs: Int
    /// Training time summed over its epochs (metrics.csv), so a re-run attempt does not count twice.
    var seconds: Double
    /// Why it failed, one line.
    var error: String?
    /// Attempts it took, over every session (nil in results of searches older than this field).
    var attempts: Int?

    /// The last column of metrics.csv's text (each epoch's seconds), summed.
    static func trainingSeconds(metrics: String) -> Double {
        metrics.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }.reduce(0, +)
    }
}

extension TuneSpace {
    /// The searched settings, in a fixed order: the dimensions of the search space and the
    /// columns of the results.
    var columns: [String] {
        var names: [String] = []
        if depth != nil { names.append("depth") }
        if baseFilters != nil { names.append("base_filters") }
        if initialization != nil { names.append("initialization") }
        if learningRate != nil { names.append("learning_rate") }
        if dropout != nil { names.append("dropout") }
        if batchNorm != nil { names.append("batch_norm") }
        if rareClassWeight != nil { names.append("rare_class_weight") }
        return names
    }

    var searchSpace: SearchSpace {
        SearchSpace(columns.map { name in
            let domain: SearchSpace.Domain
            switch name {
            case "depth": domain = .choice(count: depth!.count)
            case "base_filters": domain = .choice(count: baseFilters!.count)
            case "initialization": domain = .choice(count: initialization!.count)
            case "learning_rate": domain = .logUniform(low: learningRate!.low, high: learningRate!.high)
            case "dropout": domain = .uniform(low: dropout!.low, high: dropout!.high)
            case "batch_norm": domain = .choice(count: batchNorm!.count)
            default: domain = .choice(count: rareClassWeight!.count)
            }
            return SearchSpace.Dimension(name: name, domain: domain)
        })
    }

    /// The trial for `point`; settings not searched keep the training file's values.
    func record(trial: Int, point: [Double], search: TuneSpec, base: TrainingSpec) -> TrialRecord {
        var values: [String: Double] = [:]
        for (name, value) in zip(columns, point) { values[name] = value }
        func pick<T>(_ options: [T]?, _ name: String, _ fallback: T) -> T {
            guard let options, let index = values[name] else { return fallback }
            return options[Int(index)]
        }
        let a = base.architecture
        return TrialRecord(
            trial: trial, training: search.training, epochs: search.epochs, stepsPerEpoch: search.stepsPerEpoch, rareClasses: search.rareClasses,
            point: point, depth: pick(depth, "depth", a.depth), baseFilters: pick(baseFilters, "base_filters", a.baseFilters),
            initialization: pick(initialization, "initialization", a.initialization), learningRate: values["learning_rate"] ?? base.schedule.learningRate,
            dropout: values["dropout"] ?? a.dropout, batchNorm: pick(batchNorm, "batch_norm", a.batchNorm),
            rareClassWeight: rareClassWeight.map { pick($0, "rare_class_weight", 1) })
    }
}

extension TuneSpec {
    var suggester: TrialSuggester {
        let algorithm: TrialSuggester.Algorithm
        switch self.algorithm {
        case .random: algorithm = .random
        case .tpe(let startup, let gamma, let candidates): algorithm = .tpe(startupTrials: startup, gamma: gamma, candidates: candidates)
        }
        return TrialSuggester(space: space.searchSpace, algorithm: algorithm, seed: seed)
    }
}

/// The files of one search: OUT/trials/NNN/ holds a trial's record, attempt logs, training
/// outputs as the workers sent them (checkpoints after each epoch, metrics.csv, model.onnx) and
/// result.
struct TuneFolder {
    let path: String
    var trials: String { path + "/trials" }
    var results: String { path + "/results.csv" }
    var bestModel: String { path + "/best-model.onnx" }
    func trial(_ number: Int) -> String { trials + String(format: "/%03d", number) }
    static func record(in folder: String) -> String { folder + "/trial.json" }
    static func result(in folder: String) -> String { folder + "/result.json" }
    static func attemptLog(in folder: String, attempt: Int) -> String { folder + "/attempt-\(attempt).log" }
    /// Where each file a worker sends is kept in the trial's folder.
    static func path(of kind: TrialFiles.Kind, in folder: String) -> String {
        switch kind {
        case .lastCheckpoint: folder + "/checkpoints/last.ckpt"
        case .bestCheckpoint: folder + "/checkpoints/best.ckpt"
        case .metrics: folder + "/metrics.csv"
        case .model: folder + "/model.onnx"
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ValidationFailure(message: "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
