import Foundation
import Scene

/// Prints progress as plain lines (at most about one a second, and the last one), which suits both
/// terminals and log files.
final class ProgressPrinter {
    private var lastPrinted = -1.0

    func update(_ progress: RunProgress) {
        let finished = progress.fraction >= 1
        guard finished || progress.elapsed - lastPrinted >= 1 else { return }
        lastPrinted = progress.elapsed
        let eta = progress.secondsLeft.map { String(format: ", ETA %.0f s", $0) } ?? ""
        Console.line(String(format: "run: tiles %d/%d (%.0f%%), %.1f tiles/s%@", progress.tilesDone + progress.tilesSkipped,
                     progress.tilesTotal, progress.fraction * 100, progress.tilesPerSecond, finished ? "" : eta))
    }
}
