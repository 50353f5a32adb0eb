import Foundation
import Logging
import Messaging

/// Worker processes on this machine for `pipeline run --workers N` and `pipeline tune --workers N`,
/// started once the coordinator listens. One `pipeline spawn-workers` process forks them all
/// (`WorkerSpawner`: a fork skips the dynamic loader's ~70 ms a process). A worker that dies
/// during the run is replaced (the coordinator retries its tiles); all are stopped when the run
/// ends, and they give up by themselves if the coordinator dies.
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
    private var spawner: Process?
    private var requests: FileHandle?
    private var endpoint: Endpoint?
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
        guard count > 0 else { return }
        do {
            try startSpawner(endpoint)
        } catch {
            notice("cannot start local workers: \(error)")
            return
        }
        for _ in 0..<count { launch() }
    }

    private func startSpawner(_ endpoint: Endpoint) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["spawn-workers"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // On a terminal, workers' log lines go through this process's console so they do not
        // land in the middle of the progress line; elsewhere they are inherited as they are.
        if Console.outputIsTerminal { process.standardError = LineForwarder().pipe }
        // A request written after the spawner died must fail quietly, not kill the run.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        lock.withLock {
            spawner = process
            requests = input.fileHandleForWriting
            self.endpoint = endpoint
        }
        let events = output.fileHandleForReading
        Thread.detachNewThread { [self] in readEvents(events) }
    }

    private func launch() {
        let request = lock.withLock { () -> SpawnerRequest? in
            guard let endpoint, !stopping else { return nil }
            started += 1
            return SpawnerRequest(number: started, arguments: [
                "--connect", endpoint.description, "--threads", String(threads), "--name", "local-\(started)",
                "--give-up", String(giveUpSeconds)] + arguments)
        }
        if let request { send(request) }
    }

    private func send(_ request: SpawnerRequest) {
        guard var line = try? JSONEncoder().encode(request) else { return }
        line.append(UInt8(ascii: "\n"))
        // A spawner that is gone says so through `readEvents`; the write only fails quietly.
        lock.withLock { _ = try? requests?.write(contentsOf: line) }
    }

    /// The spawner's reports, until it exits: replaces workers that died, tells of forks that failed.
    private func readEvents(_ events: FileHandle) {
        var pending = Data()
        while case let chunk = events.availableData, !chunk.isEmpty {
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                if let event = try? JSONDecoder().decode(SpawnerEvent.self, from: line) { handle(event) }
            }
        }
        if !lock.withLock({ stopping }) { notice("the process that starts local workers ended; dead workers are no longer replaced") }
    }

    private func handle(_ event: SpawnerEvent) {
        if let reason = event.failed { notice("cannot start worker local-\(event.number): \(reason)") }
        guard event.endedBadly else { return }
        let replace = lock.withLock { () -> Bool in
            guard !stopping, restartBudget > 0 else { return false }
            restartBudget -= 1
            return true
        }
        guard replace else { return }
        let how = event.signal.map { "signal \($0)" } ?? "status \(event.status ?? 0)"
        notice("worker local-\(event.number) died (\(how)); starting another")
        launch()
    }

    private func notice(_ text: String) {
        if let logger { logger.warning("\(text)") } else { Console.error("\(command): \(text)") }
    }

    /// Stops every worker at once: the spawner sends SIGTERM (a worker then finishes its tile and
    /// says BYE), and SIGKILL to any still running a second later (a run that is stopping needs no
    /// more results).
    func stop() {
        let (process, requests) = lock.withLock { () -> (Process?, FileHandle?) in
            stopping = true
            return (spawner, self.requests)
        }
        guard let process else { return }
        send(SpawnerRequest(stop: true))
        try? requests?.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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
