import TestSupport
import Foundation

/// A `pipeline` process started in the background, its output going to files, for tests that kill,
/// stop and restart coordinators and workers.
final class RunningProcess {
    let process = Process()
    let outputPath: String
    let errorPath: String

    /// Runs `pipeline` with `arguments`, or, with `executable`, that program with `arguments`
    /// minus their first element (its own name).
    init(_ arguments: [String], environment: [String: String] = [:], logsIn directory: TemporaryDirectory, name: String,
         executable: String? = nil) throws {
        outputPath = directory.file("\(name).out")
        errorPath = directory.file("\(name).err")
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? PipelineBinary.url
        process.arguments = executable == nil ? arguments : Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    func signal(_ signal: Int32) { if process.isRunning { kill(process.processIdentifier, signal) } }

    /// Waits for the process to end; returns its status, or nil after `seconds`.
    @discardableResult
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The endpoint a coordinator printed ("listening on tcp://127.0.0.1:PORT").
    func listeningEndpoint(within seconds: Double = 60) -> String? {
        var endpoint: String?
        _ = RunningProcess.waitUntil(seconds: seconds) {
            guard let range = output.range(of: "listening on ") else { return false }
            endpoint = output[range.upperBound...].split(whereSeparator: { $0 == "\n" || $0 == "," }).first.map(String.init)
            return endpoint != nil
        }
        return endpoint
    }

    deinit { signal(SIGKILL) }
}

/// A synthetic scene and a small-tile identity pipeline over it, with the fault-free output of
/// `--workers 0`. The model adds a signature of each tile's grid position to its outputs, so a
/// tile stitched in the wrong place or with the wrong weight changes the bytes.
struct DistributedFixture {
    let directory: TemporaryDirectory
    let scene: String
    let pipeline: String
    let reference: Data

    init(size: Int = 240) throws {
        directory = try TemporaryDirectory()
        scene = directory.file("scene")
        pipeline = directory.file("small-tiles.yaml")
        let synth = try PipelineBinary.run(["synth", "--out", scene, "--size", String(size), "--seed", "5", "--id", "chaos"])
        precondition(synth.status == 0, synth.errorOutput)
        try DistributedFixture.writePipeline(pipeline, model: "{kind: identity, bands: [1, 2, 3, 9], classes: [red, green, blue, nir], tile_signature: true}")
        let run = try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", directory.file("reference"), "--workers", "0"])
        precondition(run.status == 0, run.errorOutput)
        reference = try Data(contentsOf: URL(fileURLWithPath: directory.file("reference/probabilities.tif")))
    }

    /// A small-tile pipeline over the fixture's scene (11 stacked bands) with the given model.
    static func writePipeline(_ path: String, model: String) throws {
        try """
            version: 1
            scene:
              id: chaos
              sources:
                - path: "{id}.tif"
                - path: "{id}_M.tif"
                  resampling: bilinear
            normalization: {mode: per_band, scale: [0.00048852]}
            tiling: {tile_size: 48, overlap: 16}
            model: \(model)
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func output(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: directory.file("\(name)/probabilities.tif")))
    }

    func report(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("\(name)/run-report.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func coordinator(_ name: String, extra: [String] = [], lease: Int = 30, logName: String? = nil) throws -> RunningProcess {
        try RunningProcess(["coordinator", pipeline, "--scene", scene, "--out", directory.file(name), "--bind", "tcp://127.0.0.1:*",
                            "--worker-timeout", "2", "--lease", String(lease)] + extra, logsIn: directory, name: logName ?? "coordinator-\(name)")
    }

    /// Tiles the run in `name` has journaled as committed so far.
    func committedTiles(_ name: String) -> [Int] {
        let log = (try? String(contentsOfFile: directory.file("\(name)/.journal/committed.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { Int($0) }
    }

    /// The jobs a worker says it received, from its last line ("done, N jobs received, ...").
    static func jobsReceived(by worker: RunningProcess) -> Int? {
        guard let range = worker.errors.range(of: "done, ") else { return nil }
        return Int(worker.errors[range.upperBound...].prefix { $0.isNumber })
    }

    func worker(_ endpoint: String, name: String, delayMilliseconds: Int = 0, environment: [String: String] = [:]) throws -> RunningProcess {
        try RunningProcess(["worker", "--connect", endpoint, "--threads", "1", "--name", name, "--give-up", "20"],
                           environment: environment.merging(["PIPELINE_FAULT_DELAY_MS": String(delayMilliseconds)]) { $1 },
                           logsIn: directory, name: "worker-\(name)")
    }
}
