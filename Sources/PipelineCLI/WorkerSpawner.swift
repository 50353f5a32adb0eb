import ArgumentParser
import Foundation

/// `pipeline spawn-workers` (hidden): the process `LocalWorkerPool` starts once, which forks each
/// local worker instead of executing the binary again.
///
/// Why: a fresh `pipeline` process spends ~70 ms of CPU in the dynamic loader (136 libraries,
/// 78,000 symbol bindings, most of them GDAL's dependencies). 64 local workers started at once
/// kept a 2-core machine busy for 2 s before the first one said HELLO, while the coordinator
/// needed those cores to cut the first tiles. A fork of this already-loaded process costs a few
/// milliseconds. The spawner stays single-threaded and never touches Dispatch, ZeroMQ or GDAL
/// before it forks, so each child starts as clean as a new process.
///
/// It reads one `SpawnerRequest` per line on standard input and answers with `SpawnerEvent` lines
/// on standard output. On `stop`, or when standard input ends (the coordinator is gone), it sends
/// SIGTERM to its workers, SIGKILL to any still running a second later, and exits.
struct SpawnWorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spawn-workers",
        abstract: "Forks local workers for `pipeline run --workers N` (started by it; not for direct use).",
        shouldDisplay: false
    )

    func run() throws { WorkerSpawner().serve() }
}

/// What `LocalWorkerPool` asks of the spawner: a worker with these `worker` arguments, or stop.
struct SpawnerRequest: Codable {
    var number: Int?
    var arguments: [String]?
    var stop: Bool?
}

/// What the spawner reports: a worker `started` (its pid), `ended` (exit status, or the signal
/// that killed it), or `failed` to fork (why).
struct SpawnerEvent: Codable {
    var number: Int
    var pid: Int32?
    var ended: Bool?
    var status: Int32?
    var signal: Int32?
    var failed: String?

    /// A worker that ended by a signal or with a non-zero status (one the pool replaces).
    var endedBadly: Bool { ended == true && (signal != nil || status != 0) }
}

private final class WorkerSpawner {
    /// Live workers by pid, with the number the pool gave them.
    private var workers: [pid_t: Int] = [:]
    private var pending: [UInt8] = []

    func serve() -> Never {
        // Ctrl-C reaches the whole process group; the workers handle it, the spawner waits for
        // the coordinator's `stop` (or the end of its input) instead of dying first.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            // The timeout bounds how late a dead worker is reported (and replaced).
            if poll(&input, 1, 50) > 0 {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count <= 0 { stopAll() }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    handle(line)
                }
            }
            reap(blocking: false)
        }
    }

    private func handle(_ line: [UInt8]) {
        guard let request = try? JSONDecoder().decode(SpawnerRequest.self, from: Data(line)) else { return }
        if request.stop == true { stopAll() }
        guard let number = request.number, let arguments = request.arguments else { return }
        let pid = fork()
        if pid == 0 { runWorker(arguments) }
        if pid < 0 {
            report(SpawnerEvent(number: number, failed: String(cString: strerror(errno))))
        } else {
            workers[pid] = number
            report(SpawnerEvent(number: number, pid: pid))
        }
    }

    /// In the child: the worker's own standard streams and signals, then `pipeline worker …`.
    private func runWorker(_ arguments: [String]) -> Never {
        let null = open("/dev/null", O_RDONLY)
        dup2(null, STDIN_FILENO)
        close(null)
        // Standard output is the spawner's line to the pool; a worker's output goes with its log.
        dup2(STDERR_FILENO, STDOUT_FILENO)
        for number in [SIGINT, SIGTERM, SIGPIPE] { signal(number, SIG_DFL) }
        PipelineCommand.run(arguments: ["worker"] + arguments)
        exit(0)
    }

    /// Reports every worker that has ended; with `blocking`, waits for all of them.
    private func reap(blocking: Bool) {
        while !workers.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, blocking ? 0 : WNOHANG)
            guard pid > 0 else { return }
            guard let number = workers.removeValue(forKey: pid) else { continue }
            let signalled = status & 0x7f
            report(SpawnerEvent(number: number, pid: pid, ended: true, status: signalled == 0 ? (status >> 8) & 0xff : nil,
                                signal: signalled == 0 ? nil : signalled))
        }
    }

    private func stopAll() -> Never {
        for pid in workers.keys { kill(pid, SIGTERM) }
        // A worker that is stopping finishes its tile; a run that is stopping needs no more results.
        let deadline = Date().addingTimeInterval(1)
        while !workers.isEmpty && Date() < deadline {
            reap(blocking: false)
            usleep(10_000)
        }
        for pid in workers.keys { kill(pid, SIGKILL) }
        reap(blocking: true)
        exit(0)
    }

    private func report(_ event: SpawnerEvent) {
        guard var line = try? JSONEncoder().encode(event) else { return }
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
