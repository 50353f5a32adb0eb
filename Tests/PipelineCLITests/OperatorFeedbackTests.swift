import TestSupport
import Foundation
import Testing

/// What an operator sees: a refused worker says why and gives up, progress does not flood logs,
/// and bad options and paths are one line in the project's words.
@Suite(.serialized) struct OperatorFeedbackTests {
    /// A small scene and the identity pipeline of `DistributedFixture`, without its reference run.
    private struct Scene {
        let directory: TemporaryDirectory
        let scene: String
        let pipeline: String

        init() throws {
            directory = try TemporaryDirectory()
            scene = directory.file("scene")
            pipeline = directory.file("small-tiles.yaml")
            let synth = try PipelineBinary.run(["synth", "--out", scene, "--size", "240", "--seed", "5", "--id", "chaos"])
            precondition(synth.status == 0, synth.errorOutput)
            try DistributedFixture.writePipeline(pipeline, model: "{kind: identity, bands: [1, 2, 3], classes: [red, green, blue]}")
        }
    }

    private func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    @Test func refusedAndMisconfiguredWorkersSayWhyAndGiveUp() throws {
        let fixture = try Scene()
        let keys = fixture.directory.file("keys")
        for name in ["coordinator", "trusted", "stranger"] {
            #expect(try PipelineBinary.run(["keygen", "--out", keys, "--name", name]).status == 0)
        }
        let coordinator = try RunningProcess(["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("out"),
                                              "--bind", "tcp://127.0.0.1:*", "--curve-key", "\(keys)/coordinator.key", "--allow", "\(keys)/trusted.pub"],
                                             logsIn: fixture.directory, name: "coordinator")
        defer { coordinator.signal(SIGKILL) }
        let endpoint = try #require(coordinator.listeningEndpoint())
        func worker(_ name: String, _ keyArguments: [String]) throws -> RunningProcess {
            try RunningProcess(["worker", "--connect", endpoint, "--name", name, "--give-up", "2"] + keyArguments,
                               logsIn: fixture.directory, name: name)
        }
        let refused = try worker("refused", ["--server-key", "\(keys)/coordinator.pub", "--key", "\(keys)/stranger.key"])
        let wrongServerKey = try worker("wrong-server-key", ["--server-key", "\(keys)/stranger.pub", "--key", "\(keys)/trusted.key"])
        let withoutKeys = try worker("without-keys", [])

        for process in [refused, wrongServerKey, withoutKeys] {
            let status = process.wait(seconds: 15)
            #expect(status != nil && status != 0, "gives up within a few seconds with a failure status: \(process.errors)")
        }
        let refusal = "the coordinator at \(endpoint) refused this worker's key (is \(keys)/stranger.pub on its allow-list?)"
        #expect(refused.errors.contains("worker refused: \(refusal)"), "said as soon as it happens: \(refused.errors)")
        #expect(refused.errors.contains("Error: gave up after 2 s: \(refusal)"), "\(refused.errors)")
        #expect(lines(refused.errors).count == 2, "once, not once per retry: \(refused.errors)")

        let lastLine = lines(wrongServerKey.errors).last.map(String.init) ?? ""
        #expect(lastLine.contains("the CURVE handshake with the coordinator at \(endpoint) failed"), "\(wrongServerKey.errors)")
        #expect(lastLine.contains("is \(keys)/stranger.pub its public key (a wrong server key)"), "\(wrongServerKey.errors)")
        #expect(lastLine.contains("is \(keys)/trusted.pub on its allow-list?"), "\(wrongServerKey.errors)")

        // libzmq reports either the mechanism mismatch or, when the coordinator hangs up first, a
        // bare hang-up: both name CURVE.
        #expect(withoutKeys.errors.contains("Error: gave up after 2 s: the coordinator at \(endpoint) "), "\(withoutKeys.errors)")
        #expect(lines(withoutKeys.errors).last?.contains("CURVE") == true, "\(withoutKeys.errors)")
        #expect(!coordinator.errors.contains("joined"), "none of them got in: \(coordinator.errors)")
    }

    @Test func progressInALogHasNoRepeatedLinesAndSaysWhenNoWorkerIsThere() throws {
        let fixture = try Scene()
        let coordinator = try RunningProcess(["coordinator", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("out"),
                                              "--bind", "tcp://127.0.0.1:*"], logsIn: fixture.directory, name: "coordinator")
        defer { coordinator.signal(SIGKILL) }
        let endpoint = try #require(coordinator.listeningEndpoint())
        // Several seconds with nobody to work: the old printer wrote the same 0% line every second.
        Thread.sleep(forTimeInterval: 4)
        let worker = try RunningProcess(["worker", "--connect", endpoint, "--threads", "1", "--give-up", "20"],
                                        environment: ["PIPELINE_FAULT_DELAY_MS": "40"], logsIn: fixture.directory, name: "worker")
        defer { worker.signal(SIGKILL) }
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")

        let progress = lines(coordinator.output).filter { $0.hasPrefix("run: tiles") || $0.hasPrefix("run: waiting") }
        #expect(Set(progress).count == progress.count, "no line repeats: \(coordinator.output)")
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 != $1 })
        #expect(progress.first?.hasPrefix("run: waiting for workers (0 connected), tiles 0/") == true, "\(coordinator.output)")
        #expect(progress.filter { $0.hasPrefix("run: waiting") }.count <= 2, "4 s of waiting is one line (two at a second's edge): \(coordinator.output)")
        #expect(!progress.contains { $0.contains("(0%)") }, "\(coordinator.output)")
        #expect(progress.last?.contains("(100%)") == true, "\(coordinator.output)")
        #expect(!coordinator.output.contains("\r"), "no terminal control in a log")
    }

    @Test func progressOnATerminalIsOneUpdatingLine() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let fixture = try Scene()
        // util-linux `script` gives the command a pseudo-terminal, as an interactive shell would.
        let command = [PipelineBinary.url.path, "run", fixture.pipeline, "--scene", fixture.scene, "--out", fixture.directory.file("out"), "--workers", "0"]
            .map { "'\($0)'" }.joined(separator: " ")
        let result = try RunningProcess(["script", "-qec", command, "/dev/null"], logsIn: fixture.directory, name: "script", executable: "/usr/bin/script")
        #expect(result.wait(seconds: 120) == 0, "\(result.errors)")
        let output = result.output
        #expect(output.contains("\r\u{1B}[Krun: tiles "), "progress is redrawn in place: \(output.debugDescription)")
        let progressLines = output.components(separatedBy: "\n").filter { $0.contains("run: tiles") }
        #expect(progressLines.count == 1, "all updates on one line: \(output.debugDescription)")
        #expect(progressLines.first?.contains("(100%)") == true)
    }

    @Test func anOutputFolderThatIsAFileIsOneLineNamingIt() throws {
        let fixture = try Scene()
        let file = fixture.directory.file("taken")
        try "not a folder".write(toFile: file, atomically: true, encoding: .utf8)
        for (command, extra) in [("run", ["--workers", "0"]), ("coordinator", ["--bind", "tcp://127.0.0.1:*"])] {
            for out in [file, "\(file)/below"] {
                let result = try PipelineBinary.run([command, fixture.pipeline, "--scene", fixture.scene, "--out", out] + extra)
                #expect(result.status != 0)
                #expect(lines(result.errorOutput).count == 1, "\(result.errorOutput)")
                #expect(result.errorOutput.contains("--out \(out): "), "\(result.errorOutput)")
                #expect(result.errorOutput.contains("\(file) is a file") || result.errorOutput.contains("is a file; --out names a folder"),
                        "\(result.errorOutput)")
                #expect(!result.errorOutput.contains("Domain="), "\(result.errorOutput)")
            }
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a folder", "left as it was")
        let synth = try PipelineBinary.run(["synth", "--out", file, "--size", "16"])
        #expect(synth.status != 0 && lines(synth.errorOutput).count == 1 && synth.errorOutput.contains("--out \(file): is a file"), "\(synth.errorOutput)")
    }

    @Test(arguments: [
        ["worker", "--connect", "tcp://127.0.0.1:9", "--threads", "0"],
        ["worker", "--connect", "tcp://127.0.0.1:9", "--threads=-2"],
        ["run", "p.yaml", "--scene", "s", "--out", "o", "--threads", "0"],
        ["bench", "m.onnx", "--threads", "0"],
        ["infer", "m.onnx", "--input", "i.tif", "--out", "o.tif", "--threads=-1"],
    ])
    func nonsensicalThreadCountsAreRefusedWithTheRange(arguments: [String]) throws {
        let result = try PipelineBinary.run(arguments)
        #expect(result.status != 0)
        #expect(lines(result.errorOutput).count == 1, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("--threads must be between 1 and 1024, got "), "\(result.errorOutput)")
    }

    @Test(arguments: [
        (["run", "p.yaml", "--scene", "s", "--out", "o", "--workers=-1"], "--workers must be between 0 and 256, got -1"),
        (["coordinator", "p.yaml", "--scene", "s", "--lease", "0"], "--lease must be a positive number of seconds, got 0.0"),
        (["coordinator", "p.yaml", "--scene", "s", "--worker-timeout=-5"], "--worker-timeout must be a positive number of seconds, got -5.0"),
        (["worker", "--connect", "tcp://127.0.0.1:9", "--give-up", "0"], "--give-up must be a positive number of seconds, got 0.0"),
        (["bench", "m.onnx", "--batch", "0"], "--batch must be between 1 and 4096, got 0"),
    ])
    func otherNonsensicalCountsAreRefused(arguments: [String], message: String) throws {
        let result = try PipelineBinary.run(arguments)
        #expect(result.status != 0)
        #expect(lines(result.errorOutput).count == 1, "\(result.errorOutput)")
        #expect(result.errorOutput.contains(message), "\(result.errorOutput)")
    }
}
