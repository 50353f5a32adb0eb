import Testing
@testable import Distributed

@Suite struct SchedulerTests {
    let a = WorkerKey(identity: [1]), b = WorkerKey(identity: [2])

    func scheduler(tiles: Int, lease: Double = 10, timeout: Double = 5) -> Scheduler {
        let s = Scheduler(settings: .init(maxAttempts: 3, leaseSeconds: lease, workerTimeoutSeconds: timeout))
        for t in 0..<tiles { s.add(tile: t) }
        return s
    }

    @Test func creditLimitsWhatEachWorkerHolds() {
        let s = scheduler(tiles: 5)
        s.join(a, now: 0)
        s.join(b, now: 0)
        #expect(s.assignments(now: 0).isEmpty)  // no credit yet
        s.ready(a, credit: 2, now: 0)
        s.ready(b, credit: 1, now: 0)
        let first = s.assignments(now: 0)
        #expect(first.map(\.tile) == [0, 1, 2])
        #expect(first.filter { $0.worker == a }.count == 2 && first.filter { $0.worker == b }.count == 1)
        #expect(s.assignments(now: 0).isEmpty)
        // A result returns one credit.
        #expect(s.result(from: b, tile: first.first { $0.worker == b }!.tile, attempt: 1, now: 1) == .accepted)
        #expect(s.assignments(now: 1).map(\.worker) == [b])
    }

    @Test func idleWorkersGetTheirFirstJobBeforeBusyOnesGetASecond() {
        let c = WorkerKey(identity: [3])
        let s = scheduler(tiles: 10)
        s.join(a, now: 0); s.ready(a, credit: 2, now: 0)
        #expect(s.assignments(now: 0).map(\.worker) == [a, a])  // alone: both its credits
        #expect(s.result(from: a, tile: 0, attempt: 1, now: 1) == .accepted)
        // b and c join while a still runs tile 1 with a credit free: b and c get their first job
        // before a gets its next (in turn, a would have come first).
        s.join(b, now: 1); s.ready(b, credit: 2, now: 1)
        s.join(c, now: 1); s.ready(c, credit: 2, now: 1)
        #expect(s.assignments(now: 1).map(\.worker) == [b, c, a, b, c])
    }

    @Test func expiredLeaseReassignsAndTheLateResultIsRejected() {
        let s = scheduler(tiles: 1, lease: 10)
        s.join(a, now: 0); s.ready(a, credit: 1, now: 0)
        s.join(b, now: 0); s.ready(b, credit: 1, now: 0)
        let first = s.assignments(now: 0)
        #expect(first == [Scheduler.Assignment(worker: a, tile: 0, attempt: 1)])
        s.seen(a, now: 11); s.seen(b, now: 11)
        let (failures, gone) = s.expire(now: 11)
        #expect(gone.isEmpty && failures.map(\.tile) == [0] && failures[0].quarantined == false)
        let second = s.assignments(now: 11)
        #expect(second == [Scheduler.Assignment(worker: b, tile: 0, attempt: 2)])
        #expect(s.result(from: a, tile: 0, attempt: 1, now: 12) == .rejected("tile 0 attempt 1 is stale (current attempt 2)"))
        #expect(s.result(from: b, tile: 0, attempt: 2, now: 12) == .accepted)
        #expect(s.result(from: b, tile: 0, attempt: 2, now: 12) == .rejected("tile 0 is already committed"))
        #expect(s.outstandingCount == 0 && s.completed == [0])
    }

    @Test func aLeavingWorkerHandsItsJobsBackFirstWithoutAFailure() {
        let s = scheduler(tiles: 4)
        s.join(a, now: 0); s.ready(a, credit: 2, now: 0)
        #expect(s.assignments(now: 0).map(\.tile) == [0, 1])
        #expect(s.result(from: a, tile: 0, attempt: 1, now: 1) == .accepted)
        #expect(s.handBack(a) == [1])
        #expect(s.workerCount == 0 && s.queuedCount == 3)
        s.join(b, now: 2); s.ready(b, credit: 1, now: 2)
        // Tile 1 goes first; a handed-back tile never moves towards quarantine.
        #expect(s.assignments(now: 2) == [Scheduler.Assignment(worker: b, tile: 1, attempt: 2)])
        for attempt in 2...4 {
            if attempt > 2 { s.join(b, now: 3); s.ready(b, credit: 1, now: 3); _ = s.assignments(now: 3) }
            #expect(s.handBack(b) == [1])
        }
        #expect(s.quarantined.isEmpty)
        #expect(s.handBack(a).isEmpty)
    }

    @Test func silentWorkersAreRemovedAndTheirJobsRetried() {
        let s = scheduler(tiles: 2, timeout: 5)
        s.join(a, now: 0); s.ready(a, credit: 2, now: 0)
        _ = s.assignments(now: 0)
        let (failures, gone) = s.expire(now: 6)
        #expect(gone == [a] && failures.map(\.tile) == [0, 1])
        #expect(s.workerCount == 0 && s.queuedCount == 2)
        s.join(b, now: 6); s.ready(b, credit: 2, now: 6)
        #expect(s.assignments(now: 6).map(\.attempt) == [2, 2])
    }

    @Test func aTileThatKeepsFailingIsQuarantinedAfterThreeAttempts() {
        let s = scheduler(tiles: 1)
        var quarantined = false
        for attempt in 1...3 {
            let worker = WorkerKey(identity: [UInt8(attempt)])
            s.join(worker, now: 0); s.ready(worker, credit: 1, now: 0)
            let job = s.assignments(now: 0)
            #expect(job.map(\.attempt) == [attempt])
            let failures = s.remove(worker, reason: "crashed")
            quarantined = failures.first?.quarantined ?? false
        }
        #expect(quarantined)
        #expect(s.quarantined[0]?.count == 3 && s.outstandingCount == 0)
        let late = WorkerKey(identity: [9])
        s.join(late, now: 0); s.ready(late, credit: 1, now: 0)
        #expect(s.assignments(now: 0).isEmpty)
    }

    @Test func workerErrorsCountAsFailedAttempts() {
        let s = scheduler(tiles: 1)
        s.join(a, now: 0); s.ready(a, credit: 1, now: 0)
        _ = s.assignments(now: 0)
        #expect(s.failure(from: b, tile: 0, attempt: 1, message: "not yours", now: 0) == nil)
        let failure = s.failure(from: a, tile: 0, attempt: 1, message: "model crashed", now: 0)
        #expect(failure?.reason == "model crashed" && failure?.quarantined == false)
        #expect(s.assignments(now: 0) == [Scheduler.Assignment(worker: a, tile: 0, attempt: 2)])
    }
}
