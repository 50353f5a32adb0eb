import Foundation

/// A request from outside (in practice SIGTERM or SIGINT, see the CLI's `ShutdownSignals`) to
/// stop cleanly. Loops check it between tiles and on every turn: a coordinator stops dispatching
/// and leaves its journal for `--resume`; a worker finishes the tile it is running, hands the
/// rest back and says BYE. Thread-safe: set on a signal queue, read on the loops' threads.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var why: String?

    public init() {}

    /// Asks to stop; `reason` (e.g. "SIGTERM") is named in the messages. Later calls keep the first reason.
    public func request(_ reason: String) {
        lock.withLock { if why == nil { why = reason } }
    }

    /// Why a stop was asked for, or nil while none was.
    public var reason: String? { lock.withLock { why } }

    public var isRequested: Bool { reason != nil }
}
