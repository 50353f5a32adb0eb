import Foundation
import Scene

/// Prints a run's progress. On a terminal: one line updated in place. In a pipe or log file: a
/// line only when something changed (the percentage, the workers connected) and at most one a
/// second, plus one every `quietInterval` seconds while nothing changes, so a run waiting an hour
/// for workers writes a few hundred bytes, not 3,600 identical lines.
final class ProgressPrinter {
    enum Mode { case terminal, log }

    static let quietInterval = 30.0
    private let mode: Mode
    private var lastPrinted = -Double.infinity
    private var lastState: State?
    private var lastText = ""
    private var finished = false

    /// What counts as a change worth a line in a log.
    private struct State: Equatable {
        let percent: Int
        let workers: Int?
    }

    /// Starts every line: `run`, or `run: scene ID` in a batch.
    private let label: String

    init(mode: Mode = Console.outputIsTerminal ? .terminal : .log, label: String = "run") {
        self.mode = mode
        self.label = label
    }

    func update(_ progress: RunProgress) {
        guard !finished else { return }
        let done = progress.fraction >= 1
        let state = State(percent: Int(progress.fraction * 100), workers: progress.workersConnected)
        let since = progress.elapsed - lastPrinted
        let due: Bool
        switch mode {
        case .terminal: due = done || since >= 0.25
        // A worker joining before any tile is done is not worth a "(0%)" line of its own.
        case .log: due = done || (state != lastState && state.percent > 0 && since >= 1) || lastState == nil || since >= ProgressPrinter.quietInterval
        }
        guard due else { return }
        let text = ProgressPrinter.describe(progress, label: label)
        // The elapsed time is in every line, so a repeat could only come from two updates in the
        // same second; skip it.
        guard text != lastText || done else { return }
        lastPrinted = progress.elapsed
        lastState = state
        lastText = text
        finished = done
        switch mode {
        case .terminal:
            Console.status(text)
            if done { Console.endStatus() }
        case .log:
            Console.line(text)
        }
    }

    /// e.g. `run: tiles 12/36 (33%) in 8 s, 1.5 tiles/s, ETA 16 s, 2 workers`, or
    /// `run: waiting for workers (0 connected), tiles 0/36 in 30 s`.
    static func describe(_ progress: RunProgress, label: String = "run") -> String {
        let tiles = "tiles \(progress.tilesDone + progress.tilesSkipped)/\(progress.tilesTotal)"
        let elapsed = String(format: "%.0f s", progress.elapsed)
        if progress.workersConnected == 0 && progress.fraction < 1 {
            return "\(label): waiting for workers (0 connected), \(tiles) in \(elapsed)"
        }
        var text = label + String(format: ": %@ (%.0f%%) in %@, %.1f tiles/s", tiles, progress.fraction * 100, elapsed, progress.tilesPerSecond)
        if progress.fraction < 1, let left = progress.secondsLeft { text += String(format: ", ETA %.0f s", left) }
        if let workers = progress.workersConnected { text += workers == 1 ? ", 1 worker" : ", \(workers) workers" }
        return text
    }
}
