import Foundation
import TestSupport
import Testing

/// `pipeline tune` end to end on tiny synth scenes (the training fixture of TrainCommandTests):
/// trials as jobs on local and remote `pipeline worker`s, one worker killed mid-trial, resume, a
/// worker that cannot read the data, and one-line errors.
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

    /// The first match of `pattern`'s capture groups in `text`.
    func captures(_ pattern: String, in text: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: text).map { String(text[$0]) } }
    }

    /// Rows of results.csv as fields, without the header (checked).
    func results(_ folder: String, header: String = "trial,base_filters,learning_rate,dropout,best_val_jaccard,best_epoch,epochs,attempts,seconds,error")
        -> [[Substring]] {
        let rows = text(folder + "/results.csv").split(separator: "\n")
        #expect(rows.first.map(String.init) == header, "\(rows)")
        return rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    @Test func threeTrialsOverTwoWorkersCompleteWithOneWorkerKilledMidTrial() throws {
        let fixture = try Fixture()
        try fixture.config()
        let tune = try tuneFile(fixture, trial: "{epochs: 6, steps_per_epoch: 8}")
        let search = fixture.directory.file("search")
        let process = try RunningProcess(["tune", tune, "--workers", "2", "--threads", "1", "--worker-timeout", "2"], logsIn: fixture.directory, name: "tune")
        // Kill the worker process of the first trial seen past its first epoch and not finished,
        // by the process id its worker logged when the trial started.
        var killed: (trial: String, pid: Int32)?
        while process.isRunning && killed == nil {
            usleep(20_000)
            let out = process.output, err = process.errors
            for trial in ["1", "2", "3"] where out.contains("tune: trial \(trial): epoch 1/6 done") && !out.contains("tune: trial \(trial) finished") {
                guard let pid = captures("trial \(trial) \\(attempt 1\\) started in process (\\d+)", in: err).flatMap({ Int32($0[0]) }) else { continue }
                kill(pid, SIGKILL)
                killed = (trial, pid)
                break
            }
        }
        let status = process.wait(seconds: 600)
        #expect(status == 0, "\(process.errors)")
        let victim = try #require(killed, "no trial was caught mid-way: \(process.output)")
        let err = process.errors
        // The coordinator saw the worker go (silent, or its connection gone) and re-ran its trial...
        let failure = try #require(captures("tune: trial \(victim.trial) attempt 1 failed: worker local-\\d (went silent|unreachable); running it again", in: err), "\(err)")
        #expect(failure.count == 1)
        // ...and another worker process says it trained attempt 2 from the shipped checkpoint.
        let rerun = try #require(captures("worker (local-\\d): trial \(victim.trial) \\(attempt 2\\) started in process (\\d+), from the checkpoint it carries", in: err), "\(err)")
        #expect(Int32(rerun[1]) != victim.pid)
        #expect(err.contains("worker \(rerun[0]): trial \(victim.trial): resuming after epoch"), "\(err)")
        let trialFolder = search + String(format: "/trials/%03d", Int(victim.trial)!)
        #expect(text(trialFolder + "/attempt-2.log").hasPrefix("attempt 2 on worker \(rerun[0]), resuming after epoch"), "\(text(trialFolder + "/attempt-2.log"))")
        // Every trial finished: the killed one in 2 attempts, the others in 1.
        let rows = results(search)
        #expect(rows.count == 3)
        for row in rows {
            #expect(row.count == 10 && Double(row[4]) != nil && row[6] == "6" && row[9].isEmpty, "\(row)")
            #expect(row[7] == (row[0] == victim.trial ? "2" : "1"), "\(row)")
        }
        #expect(FileManager.default.fileExists(atPath: search + "/best-model.onnx"))
        #expect(process.output.contains("tune: best trial "), "\(process.output)")
        #expect(process.output.contains("trial  base_filters  learning_rate  dropout  best_val_jaccard  best_epoch  epochs  attempts"), "\(process.output)")
    }

    /// A worker on another "machine" joins through --bind with CURVE and takes every trial.
    @Test func aRemoteWorkerConnectedThroughBindTakesTrials() throws {
        let fixture = try Fixture()
        try fixture.config()
        let keys = fixture.directory.file("keys")
        for name in ["coordinator", "worker-1"] { #expect(try PipelineBinary.run(["keygen", "--out", keys, "--name", name]).status == 0) }
        let tune = try tuneFile(fixture, trials: 2, algorithm: "random")
        let process = try RunningProcess(["tune", tune, "--bind", "tcp://127.0.0.1:*", "--curve-key", keys + "/coordinator.key", "--allow", keys + "/worker-1.pub"],
                                         logsIn: fixture.directory, name: "tune")
        let endpoint = try #require(process.listeningEndpoint(), "\(process.errors)")
        let worker = try RunningProcess(["worker", "--connect", endpoint, "--threads", "1", "--name", "remote-1", "--give-up", "60",
                                         "--server-key", keys + "/coordinator.pub", "--key", keys + "/worker-1.key"], logsIn: fixture.directory, name: "worker")
        #expect(process.wait(seconds: 300) == 0, "\(process.errors)")
        #expect(worker.wait(seconds: 30) == 0, "\(worker.errors)")
        #expect(worker.errors.contains("worker remote-1: done, 2 jobs received, 0 tiles, 2 trials, 0 reconnects"), "\(worker.errors)")
        let rows = results(fixture.directory.file("search"), header: "trial,base_filters,learning_rate,dropout,best_val_jaccard,best_epoch,epochs,attempts,seconds,error")
        #expect(rows.count == 2 && rows.allSatisfy { Double($0[4]) != nil && $0[7] == "1" }, "\(rows)")
        #expect(process.output.contains("tune: trial 1/2 started (attempt 1, worker remote-1)"), "\(process.output)")
    }

    /// A worker that cannot read the training data fails the trial's attempts with a line naming
    /// itself and the path; the search reports each and, with no trial finished, fails.
    @Test func aWorkerThatCannotReadTheTrainingDataFailsTheTrialSayingWhy() throws {
        let fixture = try Fixture()
        try fixture.config()
        let tune = try tuneFile(fixture, trials: 1, algorithm: "random")
        // The coordinator only reads the YAML files; the scenes are the workers' to read.
        try FileManager.default.removeItem(atPath: fixture.directory.file("a"))
        let result = try PipelineBinary.run(["tune", tune, "--workers", "1", "--threads", "1"])
        #expect(result.status == 1, "\(result.errorOutput)")
        let failures = result.errorOutput.split(separator: "\n").filter { $0.hasPrefix("tune: trial 1 ") }
        #expect(failures.count == 3, "\(result.errorOutput)")
        for line in failures {
            #expect(line.contains("worker local-1 cannot read the training data: ") && line.contains(fixture.directory.file("a")), "\(line)")
        }
        #expect(failures.last?.hasPrefix("tune: trial 1 failed after 3 attempt(s)") == true, "\(failures)")
        #expect(result.errorOutput.contains("no trial finished"), "\(result.errorOutput)")
        let rows = results(fixture.directory.file("search"))
        #expect(rows.count == 1 && rows[0][7] == "3" && rows[0].joined(separator: ",").contains("worker local-1 cannot read the training data"), "\(rows)")
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
        #expect(text(partFolder + "/002/attempt-2.log").hasPrefix("attempt 2 on worker local-1, resuming after epoch 1"), "\(text(partFolder + "/002/attempt-2.log"))")
        #expect(resumed.errorOutput.contains("worker local-1: trial 2: resuming after epoch 1"), "\(resumed.errorOutput)")
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

    @Test func aKilledSearchTakesItsWorkersDownAndResumes() throws {
        let fixture = try Fixture()
        try fixture.config()
        let tune = try tuneFile(fixture, trials: 2, algorithm: "random", trial: "{epochs: 12, steps_per_epoch: 20}")
        let trials = fixture.directory.file("search/trials")
        let process = try RunningProcess(["tune", tune, "--workers", "2", "--threads", "1"], logsIn: fixture.directory, name: "tune")
        // Killed once both trials are past their first epoch (or when the search ends by itself).
        while process.isRunning && !["1", "2"].allSatisfy({ process.output.contains("tune: trial \($0): epoch 1/12 done") }) { usleep(20_000) }
        let pids = ["1", "2"].compactMap { captures("trial \($0) \\(attempt 1\\) started in process (\\d+)", in: process.errors).flatMap { Int32($0[0]) } }
        try #require(process.isRunning && pids.count == 2, "the search ended before it could be killed")
        process.signal(SIGKILL)
        process.wait(seconds: 10)
        // The workers lose their coordinator and give up (10 s for tune's local workers), long
        // before their 12 epochs could have ended.
        for _ in 0..<250 where pids.contains(where: running) { usleep(100_000) }
        for pid in pids { #expect(!running(pid), "worker process \(pid) still runs") }
        for trial in ["001", "002"] { #expect(!FileManager.default.fileExists(atPath: trials + "/\(trial)/result.json"), "trial \(trial) ran to its end") }
        let resumed = try PipelineBinary.run(["tune", tune, "--workers", "2", "--threads", "1", "--resume"])
        #expect(resumed.status == 0, "\(resumed.errorOutput)")
        #expect(text(fixture.directory.file("search/results.csv")).split(separator: "\n").count == 3)
        for trial in ["001", "002"] { #expect(text(trials + "/\(trial)/attempt-2.log").contains("resuming after epoch"), "\(trial)") }
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
