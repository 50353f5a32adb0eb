import Foundation
import TestSupport
import Testing

/// `pipeline tune` end to end on tiny synth scenes (the training fixture of TrainCommandTests):
/// parallel trials with one process killed mid-trial, resume, and one-line errors.
@Suite(.serialized) struct TuneCommandTests {
    typealias Fixture = TrainCommandTests.Fixture

    /// Writes `tune.yaml` over the fixture's `train.yaml`.
    @discardableResult
    func tuneFile(_ fixture: Fixture, name: String = "tune.yaml", trials: Int = 3, algorithm: String = "tpe\ntpe: {startup_trials: 2}",
                  trial: String = "{epochs: 1, steps_per_epoch: 2}", space: String? = nil, extra: String = "", output: String = "search") throws -> String {
        let text = """
            version: 1
            training: train.yaml
            trials: \(trials)
            algorithm: \(algorithm)
            trial: \(trial)
            seed: 11
            space:
            \(space ?? "  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}\n  base_filters: {choice: [2, 4]}\n  dropout: {uniform: [0, 0.3]}")
            \(extra)
            output: \(output)
            """
        try text.write(toFile: fixture.directory.file(name), atomically: true, encoding: .utf8)
        return fixture.directory.file(name)
    }

    /// Whether `pid` is a live process (a zombie left for a non-reaping init is not).
    func running(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = text("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return true }
        return !stat[close...].hasPrefix(") Z")
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func threeTrialsOverTwoWorkersCompleteWithOneProcessKilledMidTrial() throws {
        let fixture = try Fixture()
        try fixture.config()
        let tune = try tuneFile(fixture, trial: "{epochs: 3, steps_per_epoch: 6}")
        let search = fixture.directory.file("search")
        let process = Process()
        process.executableURL = PipelineBinary.url
        process.arguments = ["tune", tune, "--workers", "2", "--threads", "1"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Kill the first trial process seen past its first epoch, by the pid its log starts with.
        var killed: (trial: String, pid: Int32)?
        while process.isRunning && killed == nil {
            usleep(20_000)
            for trial in (try? FileManager.default.contentsOfDirectory(atPath: search + "/trials")) ?? [] {
                let log = text(search + "/trials/\(trial)/attempt-1.log")
                guard log.contains("train: epoch 1 done"), !log.contains("model written to"),
                      let first = log.split(separator: "\n").first, let pid = first.split(separator: " ").dropFirst(2).first.flatMap({ Int32($0.dropLast()) })
                else { continue }
                kill(pid, SIGKILL)
                killed = (trial, pid)
                break
            }
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(err)")
        let victim = try #require(killed, "no trial was caught mid-way: \(out)")
        // The re-run, seen from the trial's own folder: a second attempt's log, by another process,
        // that resumed from the killed attempt's checkpoint and finished.
        let rerun = text(search + "/trials/\(victim.trial)/attempt-2.log")
        #expect(rerun.hasPrefix("tune-trial: process ") && !rerun.hasPrefix("tune-trial: process \(victim.pid),"), "\(rerun)")
        #expect(rerun.contains("train: resuming after epoch"), "\(rerun)")
        #expect(rerun.contains("model written to"), "\(rerun)")
        #expect(err.contains("was killed (signal 9); running it again"), "\(err)")
        let rows = text(search + "/results.csv").split(separator: "\n")
        #expect(rows.count == 4 && rows[0] == "trial,base_filters,learning_rate,dropout,best_val_jaccard,best_epoch,epochs,seconds,error", "\(rows)")
        for row in rows.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 9 && Double(fields[4]) != nil && fields[6] == "3" && fields[8].isEmpty, "\(row)")
        }
        #expect(FileManager.default.fileExists(atPath: search + "/best-model.onnx"))
        #expect(out.contains("tune: best trial "), "\(out)")
        #expect(out.contains("trial  base_filters  learning_rate  dropout  best_val_jaccard"), "\(out)")
    }

    @Test func resumeKeepsFinishedTrialsRerunsUnfinishedOnesAndContinuesTheSearch() throws {
        let fixture = try Fixture()
        try fixture.config()
        // Uninterrupted: three trials, the third drawn by TPE from the first two's results.
        let whole = try tuneFile(fixture, name: "whole.yaml", output: "whole")
        #expect(try PipelineBinary.run(["tune", whole, "--threads", "1"]).status == 0)
        // Interrupted after two trials, the second one's result lost as if killed before its end.
        let part = try tuneFile(fixture, name: "part.yaml", trials: 2, output: "part")
        #expect(try PipelineBinary.run(["tune", part, "--threads", "1"]).status == 0)
        let partFolder = fixture.directory.file("part/trials")
        try FileManager.default.removeItem(atPath: partFolder + "/002/result.json")
        try tuneFile(fixture, name: "part.yaml", trials: 3, output: "part")
        let resumed = try PipelineBinary.run(["tune", part, "--threads", "1", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(resumed.output.contains("1 finished trial(s) kept, 1 unfinished run again"), "\(resumed.output)")
        #expect(!FileManager.default.fileExists(atPath: partFolder + "/001/attempt-2.log"), "a finished trial is not run again")
        #expect(text(partFolder + "/002/attempt-2.log").contains("train: resuming after epoch 1"))
        // The third trial is what the uninterrupted search drew from the same results.
        for trial in ["001", "002", "003"] {
            let a = text(fixture.directory.file("whole/trials/\(trial)/trial.json")).replacingOccurrences(of: "whole", with: "")
            let b = text(partFolder + "/\(trial)/trial.json").replacingOccurrences(of: "part", with: "")
            #expect(!a.isEmpty && a == b, "trial \(trial): \(a) vs \(b)")
        }
        func results(_ folder: String) -> [String] {
            // Without the seconds and error columns.
            text(fixture.directory.file(folder + "/results.csv")).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(7).joined(separator: ",") }
        }
        #expect(results("whole").count == 4 && results("whole") == results("part"))
        // Without --resume the finished search is left alone.
        let again = try PipelineBinary.run(["tune", part])
        #expect(again.status == 1 && again.errorOutput.contains("already holds a search (trials/): pass --resume"), "\(again.errorOutput)")
    }

    @Test func aKilledSearchTakesItsTrialsDownAndResumes() throws {
        let fixture = try Fixture()
        try fixture.config()
        let tune = try tuneFile(fixture, trials: 2, algorithm: "random", trial: "{epochs: 12, steps_per_epoch: 20}")
        let trials = fixture.directory.file("search/trials")
        let process = Process()
        process.executableURL = PipelineBinary.url
        process.arguments = ["tune", tune, "--workers", "2", "--threads", "1"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Killed once both trials are past their first epoch (or when the search ends by itself).
        func pastFirstEpoch(_ trial: String) -> Bool { text(trials + "/\(trial)/attempt-1.log").contains("train: epoch 1 done") }
        while process.isRunning && !(pastFirstEpoch("001") && pastFirstEpoch("002")) { usleep(20_000) }
        let pids = ["001", "002"].compactMap { text(trials + "/\($0)/attempt-1.log").split(separator: " ").dropFirst(2).first.flatMap { Int32($0.dropLast()) } }
        try #require(process.isRunning && pids.count == 2, "the search ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // The trial processes notice within about a second and stop (no orphan keeps training):
        // gone within 5 s, long before their 12 epochs could have ended.
        for _ in 0..<50 where pids.contains(where: running) { usleep(100_000) }
        for pid in pids { #expect(!running(pid), "trial process \(pid) still runs") }
        for trial in ["001", "002"] { #expect(!text(trials + "/\(trial)/attempt-1.log").contains("model written to"), "trial \(trial) ran to its end") }
        let resumed = try PipelineBinary.run(["tune", tune, "--workers", "2", "--threads", "1", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(text(fixture.directory.file("search/results.csv")).split(separator: "\n").count == 3)
        for trial in ["001", "002"] { #expect(text(trials + "/\(trial)/attempt-2.log").contains("train: resuming after epoch")) }
    }

    /// Each bad input: exit status 1 and exactly one line on standard error containing `message`.
    func expectOneLine(_ result: PipelineBinary.Result, _ message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
        #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
        #expect(result.errorOutput.contains(message), "\(result.errorOutput)", sourceLocation: sourceLocation)
    }

    @Test func badInputsAreOneLineEach() throws {
        let fixture = try Fixture()
        try fixture.config()
        func tune(_ path: String, _ more: [String] = []) throws -> PipelineBinary.Result { try PipelineBinary.run(["tune", path] + more) }
        expectOneLine(try tune(try tuneFile(fixture, space: "  {}")), "tune.yaml:8:1: space: the search space is empty: give at least one of depth,")
        expectOneLine(try tune(try tuneFile(fixture, space: "  depht: {choice: [2, 3]}")), "tune.yaml:9:3: space.depht: unknown key 'depht' (expected one of depth, base_filters,")
        expectOneLine(try tune(try tuneFile(fixture, space: "  dropout: {uniform: [0.3, 0.1]}")), "tune.yaml:9:13: space.dropout.uniform: low 0.3 is above high 0.1")
        expectOneLine(try tune(try tuneFile(fixture, space: "  learning_rate: {uniform: [0.001, 0.1]}")),
                      "tune.yaml:9:3: space.learning_rate: this setting is searched by log_uniform, not uniform (write learning_rate: {log_uniform: [low, high]})")
        expectOneLine(try tune(try tuneFile(fixture, space: "  depth: {choice: [2, 6]}")),
                      "tune.yaml:9:3: space.depth: depth 6 needs patches a multiple of 64 px; the training file's patches are 32 px")
        expectOneLine(try tune(try tuneFile(fixture, space: "  rare_class_weight: {choice: [1, 3]}", extra: "rare_classes: [waterway]")),
                      "tune.yaml:10:1: rare_classes: 'waterway' is not among the training file's classes")
        expectOneLine(try tune(try tuneFile(fixture, space: "  depth: {choice: []}")), "tune.yaml:9:11: space.depth.choice: choice needs at least one value")
        expectOneLine(try tune(try tuneFile(fixture, space: "  rare_class_weight: {choice: [1, 3]}")), "tune.yaml:9:3: space.rare_class_weight: rare_class_weight needs rare_classes")
        expectOneLine(try tune(try tuneFile(fixture), ["--resume"]), "search: nothing to resume: no trials/ folder (start without --resume)")
    }
}
