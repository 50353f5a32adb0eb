import Foundation
import Logging
import Messaging

/// Worker processes on this machine for `pipeline run --workers N` and `pipeline tune --workers N`: the same binary, started once
/// the coordinator listens. A worker that dies during the run is replaced (the coordinator retries
/// its tiles); all are stopped when the run ends, and they give up by themselves if the coordinator
/// dies.
final class LocalWorkerPool: @unchecked Sendable {
    private let count: Int
    private let threads: Int
    /// Passed on to every worker (e.g. `--log-format json`).
    private let arguments: [String]
    /// Where the pool's own notices go (a worker replaced, one that cannot start); without one, `COMMAND: …` on stderr.
    private let logger: Logger?
    /// The command that owns the pool, naming it in log lines ("run", "tune").
    private let command: String
    /// Seconds a worker waits for a lost coordinator before exiting (`worker --give-up`).
    private let giveUpSeconds: Int
    private let lock = NSLock()
    private var processes: [Process] = []
    private var stopping = false
    private var started = 0
    /// Replacements allowed in one run, so a worker that cannot start does not loop forever.
    private var restartBudget: Int

    init(count: Int, threads: Int, arguments: [String] = [], logger: Logger? = nil, command: String = "run", giveUpSeconds: Int = 30) {
        self.logger = logger
        self.count = count
        self.threads = threads
        self.arguments = arguments
        self.command = command
        self.giveUpSeconds = giveUpSeconds
        restartBudget = 10 * count
    }

    func start(connectingTo endpoint: Endpoint) {
        for _ in 0..<count { launch(endpoint) }
    }

    private func launch(_ endpoint: Endpoint) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let number = lock.withLock { started += 1; return started }
        process.arguments = ["worker", "--connect", endpoint.description, "--threads", String(threads),
                             "--name", "local-\(number)", "--give-up", String(giveUpSeconds)] + arguments
        // On a terminal, workers' log lines go through this process's console so they do not
        // land in the middle of the progress line; elsewhere they are inherited as they are.
        if Console.outputIsTerminal { process.standardError = LineForwarder().pipe }
        process.terminationHandler = { [weak self] ended in
            guard let self, ended.terminationStatus != 0 || ended.terminationReason == .uncaughtSignal else { return }
            let replace = self.lock.withLock { () -> Bool in
                guard !self.stopping, self.restartBudget > 0 else { return false }
                self.restartBudget -= 1
                return true
            }
            if replace {
                self.notice("worker local-\(number) died (status \(ended.terminationStatus)); starting another")
                self.launch(endpoint)
            }
        }
        do {
            try process.run()
            lock.withLock { processes.append(process) }
        } catch {
            notice("cannot start a worker: \(error)")
        }
    }

    private func notice(_ text: String) {
        if let logger { logger.warning("\(text)") } else { Console.error("\(command): \(text)") }
    }

    /// Stops every worker at once: SIGTERM (a worker then finishes its tile and says BYE), and
    /// SIGKILL for any still running a second later (a run that is stopping needs no more results).
    func stop() {
        let all = lock.withLock { stopping = true; return processes }
        for process in all where process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(1)
        for process in all {
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }
}

/// Reads a child's output and writes it line by line with `Console.error`.
private final class LineForwarder: @unchecked Sendable {
    let pipe = Pipe()
    private var pending = Data()

    init() {
        // The handler runs on one Foundation thread at a time; `pending` is only touched there.
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                if !pending.isEmpty { Console.error(String(decoding: pending, as: UTF8.self)) }
                return
            }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                Console.error(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
    }
}
