import Foundation

/// Writes whole lines to standard output or error without stdio buffering, so progress shows up
/// at once in log files and pipes, and lines from the two streams keep their order.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
