import Foundation

/// Writes whole lines to standard output or error without stdio buffering, so progress shows up
/// at once in log files and pipes, and lines from the two streams keep their order.
///
/// On a terminal a command may also show one status line (progress) that is redrawn in place
/// with `\r`; other lines are written above it, and it is redrawn below them.
enum Console {
    static func line(_ text: String) {
        StatusLine.shared.around { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    static func error(_ text: String) {
        StatusLine.shared.around { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// Whether standard output is a terminal (progress then updates one line in place).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Shows `text` as the status line (terminal only), replacing the previous one.
    static func status(_ text: String) { StatusLine.shared.show(text) }

    /// Leaves the status line as an ordinary line: the next output starts below it.
    static func endStatus() { StatusLine.shared.end() }
}

/// The terminal's status line; a lock because progress and log lines come from several threads.
private final class StatusLine: @unchecked Sendable {
    static let shared = StatusLine()
    private let lock = NSLock()
    private var text: String?
    /// Back to the line's start and clear it.
    private static let clear = "\r\u{1B}[K"

    func show(_ text: String) {
        lock.withLock {
            self.text = text
            FileHandle.standardOutput.write(Data((StatusLine.clear + text).utf8))
        }
    }

    func end() {
        lock.withLock {
            guard text != nil else { return }
            text = nil
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }

    /// Runs `write` with the status line cleared, then draws it again below.
    func around(_ write: () -> Void) {
        lock.withLock {
            guard let text else { return write() }
            FileHandle.standardOutput.write(Data(StatusLine.clear.utf8))
            write()
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
