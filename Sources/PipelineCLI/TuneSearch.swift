import Foundation
import PipelineConfig
import TrainingRun

/// Runs a search's trials as local `pipeline tune-trial` processes, `workers` at a time.
///
/// Each trial's values are drawn (random or TPE, from the trials finished so far) and written to
/// OUT/trials/NNN/trial.json before its process starts, so a resumed search trains exactly what
/// was recorded and draws new trials from the recorded results. A process killed by a signal is
/// started again (resuming from the trial's last checkpoint), up to `attemptsPerTrial` times; one
/// that fails with an error records the error and the search goes on.
final class TuneSearch {
    static let attemptsPerTrial = 3
    let spec: TuneSpec
    let base: TrainingSpec
    let workers: Int
    let threads: Int
    let folder: TuneFolder
    let columns: [String]

    private struct Running {
        let number: Int
        let process: Process
        let attempt: Int
        let attemptsThisSession: Int
        let log: String
        /// How much of the log has been read for epoch lines.
        var read = 0
    }

    private var records: [Int: TrialRecord] = [:]
    private var results: [Int: TrialResult] = [:]
    private var running: [Running] = []

    init(spec: TuneSpec, base: TrainingSpec, workers: Int, threads: Int) {
        self.spec = spec
        self.base = base
        self.workers = workers
        self.threads = threads
        folder = TuneFolder(path: spec.output)
        columns = spec.space.columns
    }

    func run(resume: Bool) throws {
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
        for number in 1...max(spec.trials, recordedTrialCount()) {
            if let record = TuneFolder.read(TrialRecord.self, from: TuneFolder.record(in: folder.trial(number))) { records[number] = record }
            if let result = TuneFolder.read(TrialResult.self, from: TuneFolder.result(in: folder.trial(number))) { results[number] = result }
        }
        if resume {
            let unfinished = records.keys.filter { results[$0] == nil }.count
            Console.line("tune: resuming \(folder.path): \(results.count) finished trial(s) kept, \(unfinished) unfinished run again")
        }
        Console.line("tune: \(spec.trials) trials (\(describe(spec.algorithm))) over \(columns.joined(separator: ", ")); "
                     + "\(workers) at a time, \(threads) thread(s) each; output \(folder.path)")

        while true {
            while running.count < workers, let number = nextTrial() { try launch(number, attemptsThisSession: 1) }
            if running.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
            forwardEpochs()
            for ended in running where !ended.process.isRunning {
                running.removeAll { $0.number == ended.number }
                try finish(ended)
            }
        }
        try report()
    }

    /// Each running trial's finished epochs, from its log: `tune: trial 2: epoch 1 done in ...`.
    private func forwardEpochs() {
        for index in running.indices {
            guard let handle = FileHandle(forReadingAtPath: running[index].log) else { continue }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(running[index].read))
            let data = handle.readDataToEndOfFile()
            guard let end = data.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            running[index].read += end - data.startIndex + 1
            for line in String(decoding: data[data.startIndex...end], as: UTF8.self).split(separator: "\n") {
                for part in line.split(separator: "\r") where part.hasPrefix("train: epoch ") && part.contains(" done in ") {
                    Console.line("tune: trial \(running[index].number): " + part.dropFirst("train: ".count))
                }
            }
        }
    }

    private func recordedTrialCount() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.trials)) ?? []
        return names.compactMap { Int($0) }.max() ?? 0
    }

    /// An unfinished recorded trial first (after --resume), else a new one drawn now.
    private func nextTrial() -> Int? {
        let busy = Set(running.map(\.number))
        if let unfinished = records.keys.sorted().first(where: { results[$0] == nil && !busy.contains($0) }) { return unfinished }
        guard let number = (1...spec.trials).first(where: { records[$0] == nil }) else { return nil }
        let history = records.keys.sorted().compactMap { n -> TrialSuggester.Observation? in
            guard let score = results[n]?.bestJaccard, let record = records[n] else { return nil }
            return TrialSuggester.Observation(point: record.point, score: score)
        }
        let point = spec.suggester.suggest(trial: number - 1, history: history)
        records[number] = spec.space.record(trial: number, point: point, search: spec, base: base)
        return number
    }

    private func launch(_ number: Int, attemptsThisSession: Int) throws {
        let trialFolder = folder.trial(number)
        let files = FileManager.default
        try? files.createDirectory(atPath: trialFolder, withIntermediateDirectories: true)
        guard let record = records[number] else { return }
        if !files.fileExists(atPath: TuneFolder.record(in: trialFolder)) { try TuneFolder.write(record, to: TuneFolder.record(in: trialFolder)) }
        // Attempts are numbered across sessions so no log is overwritten.
        var attempt = 1
        while files.fileExists(atPath: TuneFolder.attemptLog(in: trialFolder, attempt: attempt)) { attempt += 1 }
        let logPath = TuneFolder.attemptLog(in: trialFolder, attempt: attempt)
        guard files.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else {
            throw ValidationFailure(message: "\(logPath): cannot create the trial's log")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["tune-trial", trialFolder, "--threads", String(threads)] + (attempt > 1 ? ["--resume"] : [])
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch {
            throw ValidationFailure(message: "cannot start a trial process: \(error.localizedDescription)")
        }
        try? log.close()
        running.append(Running(number: number, process: process, attempt: attempt, attemptsThisSession: attemptsThisSession, log: logPath))
        let values = zip(columns, record.values(columns)).map { "\($0) \($1)" }.joined(separator: ", ")
        Console.line("tune: trial \(number)/\(spec.trials) started (attempt \(attempt), process \(process.processIdentifier)): \(values)")
    }

    private func finish(_ ended: Running) throws {
        let trialFolder = folder.trial(ended.number)
        let status = ended.process.terminationStatus
        let killed = ended.process.terminationReason == .uncaughtSignal
        if !killed, status == 0, let result = TuneFolder.read(TrialResult.self, from: TuneFolder.result(in: trialFolder)) {
            results[ended.number] = result
            Console.line(String(format: "tune: trial %d finished in %.1f s: best validation Jaccard %.4f (epoch %d of %d)", ended.number,
                                result.seconds, result.bestJaccard ?? .nan, result.bestEpoch ?? 0, result.epochs))
            return
        }
        if killed, ended.attemptsThisSession < Self.attemptsPerTrial {
            Console.error("tune: trial \(ended.number)'s process \(ended.process.processIdentifier) was killed (signal \(status)); running it again")
            try launch(ended.number, attemptsThisSession: ended.attemptsThisSession + 1)
            return
        }
        let log = TuneFolder.attemptLog(in: trialFolder, attempt: ended.attempt)
        let lastLine = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").last.map(String.init)
        let reason = killed ? "killed by signal \(status) in \(Self.attemptsPerTrial) attempts" : (lastLine ?? "exit status \(status)")
        let result = TrialResult(bestJaccard: nil, bestEpoch: nil, epochs: 0, seconds: TuneTrialCommand.trainingSeconds(metrics: trialFolder + "/metrics.csv"),
                                 error: reason)
        try TuneFolder.write(result, to: TuneFolder.result(in: trialFolder))
        results[ended.number] = result
        Console.error("tune: trial \(ended.number) failed (log \(log)): \(reason)")
    }

    private func describe(_ algorithm: TuneAlgorithm) -> String {
        switch algorithm {
        case .random: "random search"
        case .tpe(let startup, let gamma, let candidates): "TPE after \(startup) random trials, gamma \(gamma), \(candidates) candidates"
        }
    }

    /// The results table and CSV, and the best trial's model as OUT/best-model.onnx.
    private func report() throws {
        let numbers = records.keys.sorted().filter { results[$0] != nil }
        let header = ["trial"] + columns + ["best_val_jaccard", "best_epoch", "epochs", "seconds", "error"]
        let rows = numbers.map { number -> [String] in
            let record = records[number]!, result = results[number]!
            return [String(number)] + record.values(columns) + [
                result.bestJaccard.map { String(format: "%.4f", $0) } ?? "", result.bestEpoch.map(String.init) ?? "", String(result.epochs),
                String(format: "%.1f", result.seconds), result.error ?? "",
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
        let model = folder.trial(best) + "/model.onnx"
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
