/// A worker as the coordinator's ROUTER socket names it.
struct WorkerKey: Hashable, CustomStringConvertible {
    let identity: [UInt8]
    var description: String { identity.map { String(format2: $0) }.joined() }
}

private extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}

/// The coordinator's bookkeeping, free of sockets and clocks (time is passed in), so every rule
/// is unit-tested: which tile goes to which worker under credit-based flow control, leases, attempt
/// ids, late and duplicate results, dead workers, and quarantine after repeated failures.
final class Scheduler {
    struct Settings {
        /// A tile that failed this many attempts is quarantined.
        var maxAttempts = 3
        /// A job not answered within this many seconds is given to another worker.
        var leaseSeconds = 120.0
        /// A worker silent (no message, not even a heartbeat) this long is considered gone.
        var workerTimeoutSeconds = 10.0
    }

    struct Assignment: Equatable {
        let worker: WorkerKey
        let tile: Int
        let attempt: Int
    }

    enum Verdict: Equatable {
        case accepted
        case rejected(String)
    }

    /// An attempt that did not succeed.
    struct Failure: Equatable {
        let tile: Int
        let attempt: Int
        let reason: String
        /// True when this failure used up the tile's attempts.
        let quarantined: Bool
    }

    private struct WorkerState {
        var credit = 0
        var held = Set<JobKey>()
        var lastSeen: Double
    }

    private struct JobKey: Hashable {
        let tile: Int
        let attempt: Int
    }

    private struct Lease {
        let worker: WorkerKey
        let attempt: Int
        let deadline: Double
    }

    let settings: Settings
    private var retries: [Int] = []
    private var fresh: [Int] = []
    private var freshHead = 0
    private var currentAttempt: [Int: Int] = [:]
    private var failureReasons: [Int: [String]] = [:]
    private var leases: [Int: Lease] = [:]
    private var workers: [WorkerKey: WorkerState] = [:]
    private var workerOrder: [WorkerKey] = []
    private var nextWorker = 0
    private(set) var completed = Set<Int>()
    private(set) var quarantined: [Int: [String]] = [:]

    init(settings: Settings = Settings()) { self.settings = settings }

    // MARK: Tiles

    /// A tile ready for its first attempt.
    func add(tile: Int) { fresh.append(tile) }

    /// Tiles waiting for a worker.
    var queuedCount: Int { retries.count + fresh.count - freshHead }
    /// Tiles waiting or running.
    var outstandingCount: Int { queuedCount + leases.count }
    var workerCount: Int { workers.count }
    var totalCredit: Int { workers.values.reduce(0) { $0 + $1.credit } }
    func isKnown(_ worker: WorkerKey) -> Bool { workers[worker] != nil }
    func attempt(of tile: Int) -> Int { currentAttempt[tile] ?? 0 }

    // MARK: Workers

    func join(_ worker: WorkerKey, now: Double) {
        guard workers[worker] == nil else { return }
        workers[worker] = WorkerState(lastSeen: now)
        workerOrder.append(worker)
    }

    func ready(_ worker: WorkerKey, credit: Int, now: Double) {
        workers[worker]?.credit += max(0, credit)
        seen(worker, now: now)
    }

    func seen(_ worker: WorkerKey, now: Double) { workers[worker]?.lastSeen = now }

    /// A worker said BYE or went silent: its running jobs fail and are requeued (or quarantined).
    func remove(_ worker: WorkerKey, reason: String) -> [Failure] {
        guard let state = workers.removeValue(forKey: worker) else { return [] }
        workerOrder.removeAll { $0 == worker }
        return state.held.sorted { $0.tile < $1.tile }.compactMap { job in
            guard let lease = leases[job.tile], lease.worker == worker, lease.attempt == job.attempt else { return nil }
            leases[job.tile] = nil
            return fail(tile: job.tile, attempt: job.attempt, reason: reason)
        }
    }

    /// A worker said BYE: its running jobs go back to the front of the queue at once, as retries
    /// that count no failed attempt (a worker stopping is not the tile's fault). Returns those tiles.
    func handBack(_ worker: WorkerKey) -> [Int] {
        guard let state = workers.removeValue(forKey: worker) else { return [] }
        workerOrder.removeAll { $0 == worker }
        let tiles = state.held.sorted { $0.tile < $1.tile }.compactMap { job -> Int? in
            guard let lease = leases[job.tile], lease.worker == worker, lease.attempt == job.attempt else { return nil }
            leases[job.tile] = nil
            return job.tile
        }
        retries.insert(contentsOf: tiles, at: 0)
        return tiles
    }

    // MARK: Dispatch

    /// Hands queued tiles to workers with credit, one per worker in turn.
    func assignments(now: Double) -> [Assignment] {
        var out: [Assignment] = []
        while queuedCount > 0 {
            guard let worker = nextWorkerWithCredit() else { break }
            let tile: Int
            if !retries.isEmpty {
                tile = retries.removeFirst()
            } else {
                tile = fresh[freshHead]
                freshHead += 1
                if freshHead > 1024 && freshHead * 2 > fresh.count {
                    fresh.removeFirst(freshHead)
                    freshHead = 0
                }
            }
            let attempt = (currentAttempt[tile] ?? 0) + 1
            currentAttempt[tile] = attempt
            leases[tile] = Lease(worker: worker, attempt: attempt, deadline: now + settings.leaseSeconds)
            workers[worker]!.credit -= 1
            workers[worker]!.held.insert(JobKey(tile: tile, attempt: attempt))
            out.append(Assignment(worker: worker, tile: tile, attempt: attempt))
        }
        return out
    }

    /// The next worker in turn with credit, an idle one (nothing running) first: when many
    /// workers join at once, each gets its first job before any gets its second, so none waits
    /// while another holds a job it will only start a tile later.
    private func nextWorkerWithCredit() -> WorkerKey? {
        guard !workerOrder.isEmpty else { return nil }
        var busy: Int?
        for step in 0..<workerOrder.count {
            let worker = workerOrder[(nextWorker + step) % workerOrder.count]
            let state = workers[worker]!
            guard state.credit > 0 else { continue }
            if state.held.isEmpty { return take(step) }
            if busy == nil { busy = step }
        }
        return busy.map(take)

        func take(_ step: Int) -> WorkerKey {
            let worker = workerOrder[(nextWorker + step) % workerOrder.count]
            nextWorker = (nextWorker + step + 1) % workerOrder.count
            return worker
        }
    }

    // MARK: Outcomes

    /// A RESULT: accepted only from the worker holding the tile's current attempt. Either way the
    /// worker gets its credit back if it was running that attempt.
    func result(from worker: WorkerKey, tile: Int, attempt: Int, now: Double) -> Verdict {
        release(worker, tile: tile, attempt: attempt, now: now)
        if completed.contains(tile) { return .rejected("tile \(tile) is already committed") }
        if quarantined[tile] != nil { return .rejected("tile \(tile) is quarantined") }
        guard let lease = leases[tile] else {
            return .rejected("tile \(tile) attempt \(attempt) is not running (current attempt \(self.attempt(of: tile)))")
        }
        guard lease.attempt == attempt, lease.worker == worker else {
            return .rejected("tile \(tile) attempt \(attempt) is stale (current attempt \(lease.attempt))")
        }
        leases[tile] = nil
        completed.insert(tile)
        return .accepted
    }

    /// An ERROR from a worker about its current attempt: the attempt fails.
    func failure(from worker: WorkerKey, tile: Int, attempt: Int, message: String, now: Double) -> Failure? {
        release(worker, tile: tile, attempt: attempt, now: now)
        guard let lease = leases[tile], lease.attempt == attempt, lease.worker == worker else { return nil }
        leases[tile] = nil
        return fail(tile: tile, attempt: attempt, reason: message)
    }

    /// A PROGRESS (long jobs: training trials): the lease of the worker holding the job's current
    /// attempt starts again. False for anyone else's (a stale attempt's progress is ignored).
    func progress(from worker: WorkerKey, tile: Int, attempt: Int, now: Double) -> Bool {
        seen(worker, now: now)
        guard let lease = leases[tile], lease.attempt == attempt, lease.worker == worker else { return false }
        leases[tile] = Lease(worker: worker, attempt: attempt, deadline: now + settings.leaseSeconds)
        return true
    }

    /// Leases past their deadline fail; workers silent too long are removed.
    func expire(now: Double) -> (failures: [Failure], goneWorkers: [WorkerKey]) {
        var failures: [Failure] = []
        let silent = workerOrder.filter { now - workers[$0]!.lastSeen > settings.workerTimeoutSeconds }
        for worker in silent {
            failures += remove(worker, reason: "worker \(worker) went silent")
        }
        for (tile, lease) in leases.sorted(by: { $0.key < $1.key }) where lease.deadline < now {
            leases[tile] = nil
            failures.append(fail(tile: tile, attempt: lease.attempt, reason: "lease of worker \(lease.worker) expired"))
        }
        return (failures, silent)
    }

    private func release(_ worker: WorkerKey, tile: Int, attempt: Int, now: Double) {
        guard workers[worker] != nil else { return }
        if workers[worker]!.held.remove(JobKey(tile: tile, attempt: attempt)) != nil { workers[worker]!.credit += 1 }
        seen(worker, now: now)
    }

    private func fail(tile: Int, attempt: Int, reason: String) -> Failure {
        failureReasons[tile, default: []].append("attempt \(attempt): \(reason)")
        if failureReasons[tile]!.count >= settings.maxAttempts {
            quarantined[tile] = failureReasons[tile]
            return Failure(tile: tile, attempt: attempt, reason: reason, quarantined: true)
        }
        retries.append(tile)
        return Failure(tile: tile, attempt: attempt, reason: reason, quarantined: false)
    }
}
