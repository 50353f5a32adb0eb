import Foundation
import Messaging
import Testing
@testable import Distributed

/// A `TrialCoordinator` with in-process workers whose runners fake training (no model): the
/// machinery only — credit of one trial per worker, progress extending leases, files carried to a
/// re-run attempt, retries and the final failure, a worker that cannot train trials sent away.
@Suite(.serialized) struct TrialCoordinatorTests {
    /// Records what the coordinator tells it; trials 1...count.
    final class Source: TrialSource, @unchecked Sendable {
        let count: Int
        var drawn = 0
        var outcomes: [Int: TrialOutcome] = [:]
        var failures: [(trial: Int, attempt: Int, reason: String, final: Bool)] = []
        var progress: [TrialProgress] = []
        var jobs: [(trial: Int, attempt: Int, worker: String, files: TrialFiles)] = []
        /// What the last epoch's PROGRESS carried, per trial: sent with the next attempt.
        var kept: [Int: TrialFiles] = [:]
        /// The trial each worker holds; set when one is given a trial while it holds another.
        var holding: [String: Int] = [:]
        var doubleBooked = false

        init(count: Int) { self.count = count }
        var hasMoreTrials: Bool { drawn < count }
        func nextTrial() throws -> Int? {
            guard drawn < count else { return nil }
            drawn += 1
            return drawn
        }
        func job(trial: Int, attempt: Int, worker: String) throws -> TrialJob {
            jobs.append((trial, attempt, worker, kept[trial] ?? TrialFiles()))
            if holding[worker] != nil { doubleBooked = true }
            holding[worker] = trial
            return TrialJob(trial: trial, attempt: attempt, spec: "{\"trial\": \(trial)}", files: kept[trial] ?? TrialFiles())
        }
        func progress(_ progress: TrialProgress, worker: String) throws {
            self.progress.append(progress)
            if progress.kind == .epoch { kept[progress.trial] = progress.files }
        }
        func finished(_ outcome: TrialOutcome, worker: String) throws {
            outcomes[outcome.trial] = outcome
            holding[worker] = nil
        }
        func failed(trial: Int, attempt: Int, reason: String, final: Bool) throws {
            failures.append((trial, attempt, reason, final))
            holding = holding.filter { $0.value != trial }
        }
    }

    /// Runs `source` with one worker per runner (nil: a worker that cannot train trials).
    func search(_ source: Source, runners: [TrialRunner?], lease: Double = 30) throws -> TrialCoordinator.Summary {
        let context = try MessageContext()
        var settings = Coordinator.Settings(endpoints: [try Endpoint("tcp://127.0.0.1:*")])
        settings.leaseSeconds = lease
        settings.workerTimeoutSeconds = 5
        var hooks = Coordinator.Hooks()
        hooks.onListening = { endpoints in
            for (index, runner) in runners.enumerated() {
                var workerSettings = Worker.Settings(endpoint: endpoints[0], name: "w\(index + 1)", threads: 1)
                workerSettings.giveUpSeconds = 20
                let settings = workerSettings
                Thread.detachNewThread { _ = try? Worker(settings: settings, factory: ModelFactory(), trials: runner).run(context: context) }
            }
        }
        return try TrialCoordinator(settings: settings, hooks: hooks, context: context).run(source)
    }

    /// Two epochs of progress (the second carrying a checkpoint), then a result scored trial / 10.
    static let training: TrialRunner = { job, progress in
        for epoch in 1...2 {
            usleep(100_000)
            progress(TrialProgress(trial: job.trial, attempt: job.attempt, kind: .epoch, epoch: epoch, epochs: 2, step: 1, stepsPerEpoch: 1,
                                   loss: 1, validationJaccard: 0.1, files: TrialFiles([.lastCheckpoint: [UInt8(epoch)]])))
        }
        return TrialOutcome(trial: job.trial, attempt: job.attempt, bestJaccard: Double(job.trial) / 10, bestEpoch: 2, epochsDone: 2,
                            trainingSeconds: 0.2, files: TrialFiles([.model: [UInt8(job.trial)]]))
    }

    @Test func threeTrialsOverTwoWorkersEachHoldingOneAtATime() throws {
        let source = Source(count: 3)
        let summary = try search(source, runners: [Self.training, Self.training, nil])
        #expect(source.outcomes.keys.sorted() == [1, 2, 3] && source.failures.isEmpty)
        #expect(source.outcomes[3]?.files[.model] == [3] && source.outcomes[2]?.bestJaccard == 0.2)
        #expect(source.progress.filter { $0.kind == .epoch }.count == 6)
        // Both trial workers joined, neither was given a trial while it held one; the third
        // worker (no runner) was sent away.
        #expect(source.jobs.count == 3 && !source.doubleBooked)
        #expect(Set(source.jobs.map(\.worker)).isSubset(of: ["w1", "w2"]))
        #expect(summary.workersSeen == 2 && summary.attemptsFailed == 0)
    }

    /// A trial that fails on one worker is re-run with the checkpoint its last epoch sent; one that
    /// fails every attempt is reported final.
    @Test func failedAttemptsAreRerunFromTheLastEpochThenGivenUp() throws {
        let source = Source(count: 2)
        let flaky: TrialRunner = { job, progress in
            if job.trial == 2 { throw DistributedError(code: .protocolError, message: "worker cannot read /data/scene") }
            if job.attempt == 1 {
                progress(TrialProgress(trial: job.trial, attempt: job.attempt, kind: .epoch, epoch: 1, epochs: 2, step: 1, stepsPerEpoch: 1,
                                       loss: 1, validationJaccard: 0.1, files: TrialFiles([.lastCheckpoint: [42]])))
                usleep(200_000)
                throw DistributedError(code: .protocolError, message: "killed mid-trial")
            }
            return try Self.training(job, progress)
        }
        _ = try search(source, runners: [flaky])
        #expect(source.outcomes.keys.sorted() == [1])
        let second = try #require(source.jobs.first { $0.trial == 1 && $0.attempt == 2 })
        #expect(second.files[.lastCheckpoint] == [42])
        #expect(source.failures.filter { $0.trial == 2 }.map(\.final) == [false, false, true])
        #expect(source.failures.last?.reason == "worker cannot read /data/scene")
    }

    /// A trial longer than its lease survives as long as it reports progress.
    @Test func progressKeepsALongTrialsLease() throws {
        let source = Source(count: 1)
        let long: TrialRunner = { job, progress in
            for step in 1...12 {
                usleep(250_000)
                progress(TrialProgress(trial: job.trial, attempt: job.attempt, kind: .step, epoch: 1, epochs: 1, step: step, stepsPerEpoch: 12,
                                       loss: 1, validationJaccard: nil))
            }
            return TrialOutcome(trial: job.trial, attempt: job.attempt, bestJaccard: 0.3, bestEpoch: 1, epochsDone: 1, trainingSeconds: 3, files: TrialFiles())
        }
        let summary = try search(source, runners: [long], lease: 2)
        #expect(source.outcomes[1]?.bestJaccard == 0.3 && source.failures.isEmpty && summary.attemptsFailed == 0)
    }
}
