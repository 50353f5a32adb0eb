import Checksum
import Foundation
import Logging

/// The metadata keys of the runtime's log lines, one vocabulary for human and JSON logs: every
/// line that concerns a run, scene, tile, attempt or worker carries them, so a collector can
/// follow one tile across the coordinator's and the workers' logs.
public enum LogKey {
    public static let runID = "run_id"
    public static let scene = "scene"
    public static let tile = "tile"
    public static let attempt = "attempt"
    /// The worker's name (`worker --name`, default host:pid), the same on both sides.
    public static let worker = "worker"
    /// The coordinator's ZeroMQ identity of the worker (hex), as the human lines name it.
    public static let workerKey = "worker_key"
}

extension SceneRun {
    /// A short id for this run's log lines and metrics: the SHA-256 of what makes its output
    /// (everything `--resume` checks) and of the output folder, so an interrupted run and its
    /// resume share it, and two runs into different folders do not.
    public var runID: String {
        let identity = RunIdentity(stack: stack, grid: grid, options: options, package: package)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var bytes = (try? encoder.encode(identity)).map(Array.init) ?? []
        bytes += Array(URL(fileURLWithPath: outputDirectory).standardizedFileURL.path.utf8)
        return String(SHA256.hexString(SHA256.hash(bytes)).prefix(12))
    }
}

/// A log handler that passes each message, without metadata, to a closure: what the runtime's
/// `Hooks.log` closures of earlier versions received.
struct ClosureLogHandler: LogHandler {
    /// Called on the threads that log, as the closures of `Hooks.log` always were.
    final class Box: @unchecked Sendable {
        let write: (String) -> Void
        init(_ write: @escaping (String) -> Void) { self.write = write }
    }
    let box: Box
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    func log(event: LogEvent) { box.write(event.message.description) }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

extension Logger {
    /// A logger that writes nowhere (the runtime's default).
    static var silent: Logger { Logger(label: "pipeline", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// A logger whose messages go to `write` (keeps `Hooks.log = { … }` working).
    static func lines(_ write: @escaping (String) -> Void) -> Logger {
        let box = ClosureLogHandler.Box(write)
        return Logger(label: "pipeline", factory: { _ in ClosureLogHandler(box: box) })
    }
}
