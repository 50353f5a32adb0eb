import Foundation
import Logging

/// Keeps log events in memory, with their metadata, so tests read what was logged instead of
/// parsing standard error. Thread-safe: the coordinator and workers log from their own threads.
public final class LogRecorder: @unchecked Sendable {
    public struct Record: Sendable, CustomStringConvertible {
        public let component: String
        public let level: Logger.Level
        public let message: String
        /// Metadata values as text (the logger's and the event's, merged).
        public let metadata: [String: String]

        public var description: String { "\(level) \(component): \(message) \(metadata.sorted { $0.key < $1.key })" }
    }

    private let lock = NSLock()
    private var stored: [Record] = []

    public init() {}

    public var records: [Record] { lock.withLock { stored } }

    /// A logger whose events land here, at `level` and above.
    public func logger(component: String, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: component, factory: { _ in RecordingHandler(recorder: self, component: component) })
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ record: Record) { lock.withLock { stored.append(record) } }
}

private struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    let component: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        recorder.append(.init(component: component, level: event.level, message: event.message.description,
                              metadata: merged.mapValues { $0.description }))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
