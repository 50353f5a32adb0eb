import Foundation
import TrainingRun

/// `pipeline train`'s progress: on a terminal one line rewritten in place (epoch, step, loss,
/// last validation Jaccard, ETA); in a log file a plain line every 10 s. Each epoch's result is
/// always a line of its own.
final class TrainProgress {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lastPlain = Date.distantPast
    private var lineOpen = false
    let classNames: [String]

    init(classNames: [String]) { self.classNames = classNames }

    func handle(_ event: TrainingLoop.Event) {
        switch event {
        case .resumed(let done, let best):
            line("train: resuming after epoch \(done)" + (best.map { String(format: ", best mean validation Jaccard so far %.4f", $0) } ?? ""))
        case .step(let p):
            let text = String(format: "train: epoch %d/%d, step %d/%d, loss %.4f", p.epoch, p.epochs, p.step, p.stepsPerEpoch, p.loss)
                + (p.lastJaccard.map { String(format: ", val Jaccard %.4f", $0) } ?? "")
                + (p.secondsLeft.map { ", ETA " + Self.duration($0) } ?? "")
            if isTerminal {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
                lineOpen = true
            } else if Date().timeIntervalSince(lastPlain) >= 10 {
                lastPlain = Date()
                Console.line(text)
            }
        case .epoch(let e):
            let perClass = zip(classNames, e.jaccard.perClass).compactMap { name, value in value.map { String(format: "%@ %.3f", name, $0) } }
            line(String(format: "train: epoch %d done in %.1f s (validation %.1f s): loss %.4f, lr %.3g, mean validation Jaccard %.4f%@ (%@)", e.epoch, e.seconds,
                        e.validationSeconds, e.loss, e.learningRate, e.jaccard.mean, e.isBest ? ", best so far" : "", perClass.joined(separator: ", ")))
        case .stoppedEarly(let epoch, let best):
            line("train: stopping early after epoch \(epoch): no better validation Jaccard since epoch \(best)")
        }
    }

    /// A whole line, ending the in-place one first.
    func line(_ text: String) {
        if lineOpen {
            FileHandle.standardOutput.write(Data("\n".utf8))
            lineOpen = false
        }
        Console.line(text)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
