import Foundation
import Messaging

/// Worker processes on this machine for `pipeline run --workers N`: the same binary, started once
/// the coordinator listens. A worker that dies during the run is replaced (the coordinator retries
/// its tiles); all are stopped when the run ends, and they give up by themselves if the coordinator
/// dies.
final class LocalWorkerPool: @unchecked Sendable {
    private let count: Int
    private let threads: Int
    private let lock = NSLock()
    private var processes: [Process] = []
    private var stopping = false
    private var started = 0
    /// Replacements allowed in one run, so a worker that cannot start does not loop forever.
    private var restartBudget: Int

    init(count: Int, threads: Int) {
        self.count = count
        self.threads = threads
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
                             "--name", "local-\(number)", "--give-up", "30"]
        process.terminationHandler = { [weak self] ended in
            guard let self, ended.terminationStatus != 0 || ended.terminationReason == .uncaughtSignal else { return }
            let replace = self.lock.withLock { () -> Bool in
                guard !self.stopping, self.restartBudget > 0 else { return false }
                self.restartBudget -= 1
                return true
            }
            if replace {
                Console.error("run: worker local-\(number) died (status \(ended.terminationStatus)); starting another")
                self.launch(endpoint)
            }
        }
        do {
            try process.run()
            lock.withLock { processes.append(process) }
        } catch {
            Console.error("run: cannot start a worker: \(error)")
        }
    }

    func stop() {
        let all = lock.withLock { stopping = true; return processes }
        for process in all where process.isRunning { process.terminate() }
        for process in all { process.waitUntilExit() }
    }
}
