import Dispatch
import Distributed
import Foundation
import Logging

/// SIGTERM and SIGINT for `run`, `coordinator` and `worker`: the first asks the loops to stop
/// cleanly (`StopRequest`), a second exits at once.
///
/// Plain `DispatchSource` signal sources rather than swift-service-lifecycle: the commands are
/// synchronous loops that poll a flag every 20 ms, not async services to cancel, so a flag set on
/// a signal queue is all they need, and no dependency comes with it. The handler runs on an
/// ordinary queue (not in signal context), so it may log.
enum ShutdownSignals {
    /// The first signal received, read by `PipelineCommand.main` for the exit status (128 + n).
    private static let state = Received()

    /// Installs the handlers; returns the request the command's loops watch. With `logger`, the
    /// notices go through it (so `--log-format json` covers them), else plain to standard error.
    static func install(command: String, logger: Logger? = nil) -> StopRequest {
        let stop = StopRequest()
        for number in [SIGTERM, SIGINT] {
            // Ignored so the default action (die at once) does not run; the source still sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
                if state.record(number) {
                    let notice = "\(name) received: stopping cleanly (send it again to exit at once)"
                    if let logger { logger.notice("\(notice)") } else { Console.error("\(command): \(notice)") }
                    stop.request(name)
                } else {
                    Console.endStatus()
                    let notice = "\(name) received again: exiting at once"
                    if let logger { logger.notice("\(notice)") } else { Console.error("\(command): \(notice)") }
                    _exit(128 + number)
                }
            }
            source.activate()
            state.keep(source)
        }
        return stop
    }

    /// The signal that stopped the command, if any.
    static var received: Int32? { state.first }

    private final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var signal: Int32?
        private var sources: [DispatchSourceSignal] = []

        /// True for the first signal.
        func record(_ number: Int32) -> Bool {
            lock.withLock {
                guard signal == nil else { return false }
                signal = number
                return true
            }
        }

        var first: Int32? { lock.withLock { signal } }
        func keep(_ source: DispatchSourceSignal) { lock.withLock { sources.append(source) } }
    }
}
