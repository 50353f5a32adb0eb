import Foundation
import Logging

/// The command-line tool's log handler: each event becomes one line, human or JSON, handed to
/// `write` (the tool's console, which keeps a terminal's progress line below the log lines).
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    /// What the human line starts with and the JSON's `component` (`coordinator`, `worker NAME`, `run`).
    public let component: String
    public let format: LogFormat
    private let write: @Sendable (String) -> Void

    public init(component: String, format: LogFormat, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void) {
        self.component = component
        self.format = format
        self.logLevel = level
        self.write = write
    }

    public func log(event: LogEvent) {
        switch format {
        case .human:
            write(LogLine.human(component: component, message: event.message.description))
        case .json:
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            write(LogLine.json(time: Date(), level: event.level, component: component, message: event.message.description, metadata: merged))
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
