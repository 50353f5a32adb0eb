import Distributed
import Foundation
import PipelineConfig
import TrainingRun

/// A search's trials as a `TrialSource` for the `TrialCoordinator`, which runs them as jobs on
/// `pipeline worker`s (local or remote). Everything the search keeps is in its output folder.
///
/// Each trial's values are drawn (random or TPE, from the trials finished so far) when a worker is
/// free, and written to OUT/trials/NNN/trial.json before its first attempt, so a resumed search
/// trains exactly what was recorded and draws new trials from the recorded results. Workers send
/// each finished epoch's checkpoints and metrics; they are kept in the trial's folder, and any
/// later attempt (a worker died, or `--resume`) continues from them.
final class TuneSearch: TrialSource {
    let spec: TuneSpec
    let base: TrainingSpec
    let folder: TuneFolder
    let columns: [String]

    private var records: [Int: TrialRecord] = [:]
    private var results: [Int: TrialResult] = [:]
    private var inFlight = Set<Int>()
    /// Attempt numbers go on across sessions (attempt-K.log): this session's attempt a of a
    /// trial is its `attemptBase + a`.
    private var attemptBase: [Int: Int] = [:]

    init(spec: TuneSpec, base: TrainingSpec) {
        self.spec = spec
        self.base = base
        folder = TuneFolder(path: spec.output)
        columns = spec.space.columns
    }

    /// Checks the folder (a fresh search refuses one that holds a search; `resume` needs one) and
    /// reads what an earlier session recorded.
    func prepare(resume: Bool) throws {
        let files = FileManager.default
        if resume {
            guard files.fileExists(atPath: folder.trials) else {
                throw ValidationFailure(message: "\(folder.path): nothing to resume: no trials/ folder (start without --resume)")
            }
        } else if files.fileExists(atPath: folder.trials) {
            throw ValidationFailure(message: "\(folder.path): already holds a search (trials/): pass --resume to continue it, or choose another output folder")
        }
        do { try files.createDirectory(atPath: folder.trials, withIntermediateDirectories: true) } catch {
            throw ValidationFailure(message: "\(folder.path): cannot create the output folder: \(error.localizedDescription)")
        }
        let recorded = ((try? files.contentsOfDirectory(atPath: folder.trials)) ?? []).compactMap { Int($0) }.max() ?? 0
        for number in 1...max(spec.trials, recorded) {
            if let record = TuneFolder.read(TrialRecord.self, from: TuneFolder.record(in: folder.trial(number))) { records[number] = record }
            if let result = TuneFolder.read(TrialResult.self, from: TuneFolder.result(in: folder.trial(number))) { results[number] = result }
        }
        if resume {
            let unfinished = records.keys.filter { results[$0] == nil }.count
            Console.line("tune: resuming \(folder.path): \(results.count) finished trial(s) kept, \(unfinished) unfinished run again")
        }
    }

    var finishedCount: Int { results.count }
    var algorithmDescription: String {
        switch spec.algorithm {
        case .random: "random search"
        case .tpe(let startup, let gamma, let candidates): "TPE after \(startup) random trials, gamma \(gamma), \(candidates) candidates"
        }
    }

    // MARK: TrialSource

    var hasMoreTrials: Bool {
        records.keys.contains { results[$0] == nil && !inFlight.contains($0) } || (1...spec.trials).contains { records[$0] == nil }
    }

    /// An unfinished recorded trial first (after --resume), else a new one drawn now.
    func nextTrial() throws -> Int? {
        let number: Int
        if let unfinished = records.keys.sorted().first(where: { results[$0] == nil && !inFlight.contains($0) }) {
            number = unfinished
        } else if let fresh = (1...spec.trials).first(where: { records[$0] == nil }) {
            let history = records.keys.sorted().compactMap { n -> TrialSuggester.Observation? in
                guard let score = results[n]?.bestJaccard, let record = records[n] else { return nil }
                return TrialSuggester.Observation(point: record.point, score: score)
            }
            let point = spec.suggester.suggest(trial: fresh - 1, history: history)
            let record = spec.space.record(trial: fresh, point: point, search: spec, base: base)
            try? FileManager.default.createDirectory(atPath: folder.trial(fresh), withIntermediateDirectories: true)
            try TuneFolder.write(record, to: TuneFolder.record(in: folder.trial(fresh)))
            records[fresh] = record
            number = fresh
        } else {
            return nil
        }
        inFlight.insert(number)
        return number
    }

    func job(trial: Int, attempt: Int, worker: String) throws -> TrialJob {
        let trialFolder = folder.trial(trial)
        if attemptBase[trial] == nil {
            var done = 0
            while FileManager.default.fileExists(atPath: TuneFolder.attemptLog(in: trialFolder, attempt: done + 1)) { done += 1 }
            attemptBase[trial] = done
        }
        let overall = attemptBase[trial]! + attempt
        guard let record = records[trial] else { throw ValidationFailure(message: "\(trialFolder): trial \(trial) has no record") }
        // A previous attempt's last finished epoch, to continue from.
        var files = TrialFiles()
        var resumeNote = ""
        if FileManager.default.fileExists(atPath: TuneFolder.path(of: .lastCheckpoint, in: trialFolder)) {
            for kind in [TrialFiles.Kind.lastCheckpoint, .bestCheckpoint, .metrics] {
                files[kind] = FileManager.default.contents(atPath: TuneFolder.path(of: kind, in: trialFolder)).map { Array($0) }
            }
            if let (state, _) = try? RunCheckpoint.read(from: TuneFolder.path(of: .lastCheckpoint, in: trialFolder)) {
                resumeNote = ", resuming after epoch \(state.epochsDone)"
            }
        }
        let logPath = TuneFolder.attemptLog(in: trialFolder, attempt: overall)
        guard FileManager.default.createFile(atPath: logPath, contents: Data("attempt \(overall) on worker \(worker)\(resumeNote)\n".utf8)) else {
            throw ValidationFailure(message: "\(logPath): cannot create the trial's log")
        }
        let values = zip(columns, record.values(columns)).map { "\($0) \($1)" }.joined(separator: ", ")
        Console.line("tune: trial \(trial)/\(spec.trials) started (attempt \(overall), worker \(worker)\(resumeNote)): \(values)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return TrialJob(trial: trial, attempt: attempt, spec: String(decoding: try encoder.encode(record), as: UTF8.self), files: files)
    }

    func progress(_ progress: TrialProgress, worker: String) throws {
        let trialFolder = folder.trial(progress.trial)
        let overall = (attemptBase[progress.trial] ?? 0) + progress.attempt
        let line: String
        switch progress.kind {
        case .step:
            line = String(format: "epoch %d/%d, step %d/%d, loss %.4f", progress.epoch, progress.epochs, progress.step, progress.stepsPerEpoch, progress.loss)
        case .epoch:
            for (kind, bytes) in progress.files.files where kind != .model {
                let path = TuneFolder.path(of: kind, in: trialFolder)
                do {
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw ValidationFailure(message: "\(path): cannot write: \(error.localizedDescription)")
                }
            }
            line = String(format: "epoch %d/%d done in %.1f s: loss %.4f, mean validation Jaccard %.4f", progress.epoch, progress.epochs,
                          progress.seconds, progress.loss, progress.validationJaccard ?? .nan)
            Console.line("tune: trial \(progress.trial): \(line) (attempt \(overall), worker \(worker))")
        }
        append(line, toLogOf: progress.trial, attempt: overall)
    }

    func finished(_ outcome: TrialOutcome, worker: String) throws {
        let trialFolder = folder.trial(outcome.trial)
        let overall = (attemptBase[outcome.trial] ?? 0) + outcome.attempt
        for kind in [TrialFiles.Kind.model, .metrics] {
            guard let bytes = outcome.files[kind] else { continue }
            let path = TuneFolder.path(of: kind, in: trialFolder)
            do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw ValidationFailure(message: "\(path): cannot write: \(error.localizedDescription)")
            }
        }
        let result = TrialResult(bestJaccard: outcome.bestJaccard, bestEpoch: outcome.bestEpoch, epochs: outcome.epochsDone,
                                 seconds: outcome.trainingSeconds, error: nil, attempts: overall)
        // Last: a trial with result.json is finished for --resume.
        try TuneFolder.write(result, to: TuneFolder.result(in: trialFolder))
        results[outcome.trial] = result
        inFlight.remove(outcome.trial)
        append("finished: best validation Jaccard \(outcome.bestJaccard.map { String(format: "%.4f", $0) } ?? "none")", toLogOf: outcome.trial, attempt: overall)
        Console.line(String(format: "tune: trial %d finished in %.1f s on worker %@: best validation Jaccard %.4f (epoch %d of %d)", outcome.trial,
                            outcome.trainingSeconds, worker, outcome.bestJaccard ?? .nan, outcome.bestEpoch ?? 0, outcome.epochsDone))
    }

    func failed(trial: Int, attempt: Int, reason: String, final: Bool) throws {
        let overall = (attemptBase[trial] ?? 0) + attempt
        append("failed: \(reason)", toLogOf: trial, attempt: overall)
        guard final else {
            Console.error("tune: trial \(trial) attempt \(overall) failed: \(reason); running it again")
            return
        }
        let trialFolder = folder.trial(trial)
        let metrics = (try? String(contentsOfFile: TuneFolder.path(of: .metrics, in: trialFolder), encoding: .utf8)) ?? ""
        let result = TrialResult(bestJaccard: nil, bestEpoch: nil, epochs: 0, seconds: TrialResult.trainingSeconds(metrics: metrics),
                                 error: reason, attempts: overall)
        try TuneFolder.write(result, to: TuneFolder.result(in: trialFolder))
        results[trial] = result
        inFlight.remove(trial)
        Console.error("tune: trial \(trial) failed after \(overall) attempt(s) (logs in \(trialFolder)): \(reason)")
    }

    private func append(_ line: String, toLogOf trial: Int, attempt: Int) {
        guard let handle = FileHandle(forWritingAtPath: TuneFolder.attemptLog(in: folder.trial(trial), attempt: attempt)) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }

    // MARK: Report

    /// The results table and CSV, and the best trial's model as OUT/best-model.onnx.
    func report() throws {
        let numbers = records.keys.sorted().filter { results[$0] != nil }
        let header = ["trial"] + columns + ["best_val_jaccard", "best_epoch", "epochs", "attempts", "seconds", "error"]
        let rows = numbers.map { number -> [String] in
            let record = records[number]!, result = results[number]!
            return [String(number)] + record.values(columns) + [
                result.bestJaccard.map { String(format: "%.4f", $0) } ?? "", result.bestEpoch.map(String.init) ?? "", String(result.epochs),
                result.attempts.map(String.init) ?? "", String(format: "%.1f", result.seconds), result.error ?? "",
            ]
        }
        let csv = ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        do { try csv.write(toFile: folder.results, atomically: true, encoding: .utf8) } catch {
            throw ValidationFailure(message: "\(folder.results): cannot write: \(error.localizedDescription)")
        }
        let shown = ([header.dropLast()] + rows.map { $0.dropLast() }).map(Array.init)
        let widths = header.indices.dropLast().map { column in shown.map { $0[column].count }.max() ?? 0 }
        for row in shown {
            let line = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            Console.line(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        guard let best = numbers.filter({ results[$0]?.bestJaccard != nil }).max(by: { results[$0]!.bestJaccard! < results[$1]!.bestJaccard! }) else {
            throw ValidationFailure(message: "\(folder.path): no trial finished (see trials/*/attempt-*.log); results in \(folder.results)")
        }
        let model = TuneFolder.path(of: .model, in: folder.trial(best))
        try? FileManager.default.removeItem(atPath: folder.bestModel)
        do { try FileManager.default.copyItem(atPath: model, toPath: folder.bestModel) } catch {
            throw ValidationFailure(message: "\(model): cannot copy to \(folder.bestModel): \(error.localizedDescription)")
        }
        Console.line(String(format: "tune: best trial %d (validation Jaccard %.4f); model written to %@; results in %@", best,
                            results[best]!.bestJaccard!, folder.bestModel, folder.results))
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
