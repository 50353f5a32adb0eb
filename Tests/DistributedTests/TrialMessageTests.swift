import TestSupport
import Testing
@testable import Distributed

/// TRIAL, PROGRESS and TRIAL_RESULT on the wire, and the scheduler rule they add (progress extends
/// a lease, only the current attempt's).
@Suite struct TrialMessageTests {
    let files = TrialFiles([.lastCheckpoint: [1, 2, 3], .metrics: Array("epoch\n1\n".utf8)])

    @Test func trialMessagesRoundTrip() throws {
        let messages: [WireMessage] = [
            .trial(TrialJob(trial: 3, attempt: 2, spec: #"{"trial":3}"#, files: files)),
            .trial(TrialJob(trial: 1, attempt: 1, spec: "{}")),
            .progress(TrialProgress(trial: 3, attempt: 2, kind: .step, epoch: 1, epochs: 4, step: 7, stepsPerEpoch: 10, loss: 0.5, validationJaccard: nil)),
            .progress(TrialProgress(trial: 3, attempt: 2, kind: .epoch, epoch: 2, epochs: 4, step: 10, stepsPerEpoch: 10, loss: 0.25,
                                    validationJaccard: 0.125, seconds: 3.5, files: files)),
            .trialResult(TrialOutcome(trial: 3, attempt: 2, bestJaccard: 0.5, bestEpoch: 2, epochsDone: 4, trainingSeconds: 12.5,
                                      files: TrialFiles([.model: [9, 9], .metrics: [1]]))),
            .trialResult(TrialOutcome(trial: 4, attempt: 1, bestJaccard: nil, bestEpoch: nil, epochsDone: 0, trainingSeconds: 0, files: TrialFiles())),
            .hello(Hello(threads: 2, capabilities: WorkerCapability.trials, name: "w")),
        ]
        for message in messages {
            let decoded = try WireMessage(frames: message.frames())
            #expect(decoded.frames() == message.frames(), "\(message)")
        }
        guard case .progress(let progress) = try WireMessage(frames: messages[3].frames()) else { Issue.record("not progress"); return }
        #expect(progress.validationJaccard == 0.125 && progress.files == files && progress.kind == .epoch)
        guard case .progress(let step) = try WireMessage(frames: messages[2].frames()) else { Issue.record("not progress"); return }
        #expect(step.validationJaccard == nil)
        guard case .trialResult(let empty) = try WireMessage(frames: messages[5].frames()) else { Issue.record("not a result"); return }
        #expect(empty.bestJaccard == nil && empty.bestEpoch == nil)
    }

    /// A hostile files frame (unknown or repeated kind, sizes past the end, trailing bytes) is an
    /// error, never a crash or a file of another name.
    @Test func badTrialFilesAreRefused() throws {
        let header = WireMessage.trial(TrialJob(trial: 1, attempt: 1, spec: "{}")).frames()[0]
        func frame(_ entries: [(UInt8, [UInt8])], count: UInt32? = nil, trailing: [UInt8] = []) -> [UInt8] {
            var writer = BinaryWriter()
            writer.write(count ?? UInt32(entries.count))
            for (kind, bytes) in entries {
                writer.write(kind)
                writer.write(UInt64(bytes.count))
                writer.writeRaw(bytes)
            }
            return writer.bytes + trailing
        }
        for bad in [frame([(9, [1])]), frame([(1, [1]), (1, [2])]), frame([(1, [1])], trailing: [0]), frame([], count: 5),
                    frame([(1, [1])], count: 2), Array(frame([(1, [1, 2, 3])]).dropLast())] {
            #expect(throws: WireError.self) { try WireMessage(frames: [header, bad]) }
        }
        var generator = SeededGenerator(seed: 4)
        let valid = WireMessage.progress(TrialProgress(trial: 3, attempt: 2, kind: .epoch, epoch: 2, epochs: 4, step: 10, stepsPerEpoch: 10,
                                                       loss: 0.25, validationJaccard: 0.125, seconds: 3.5, files: files)).frames()
        for _ in 0..<2000 {
            var frames = valid
            let which = Int.random(in: 0...1, using: &generator)
            frames[which] = Array(frames[which].prefix(Int.random(in: 0..<frames[which].count, using: &generator)))
            _ = try? WireMessage(frames: frames)
        }
    }

    @Test func progressExtendsOnlyTheCurrentAttemptsLease() {
        let a = WorkerKey(identity: [1]), b = WorkerKey(identity: [2])
        let s = Scheduler(settings: .init(maxAttempts: 3, leaseSeconds: 10, workerTimeoutSeconds: 100))
        s.add(tile: 1)
        s.join(a, now: 0); s.ready(a, credit: 1, now: 0)
        s.join(b, now: 0); s.ready(b, credit: 1, now: 0)
        #expect(s.assignments(now: 0) == [Scheduler.Assignment(worker: a, tile: 1, attempt: 1)])
        // Progress at 8 s keeps the lease past its first deadline (10 s).
        #expect(s.progress(from: a, tile: 1, attempt: 1, now: 8))
        #expect(s.expire(now: 15).failures.isEmpty)
        // No progress for 10 s: the lease expires and the trial goes to b as attempt 2.
        #expect(s.expire(now: 18.5).failures.map(\.tile) == [1])
        #expect(s.assignments(now: 19) == [Scheduler.Assignment(worker: b, tile: 1, attempt: 2)])
        // The old attempt's progress no longer counts, and does not touch b's lease.
        #expect(!s.progress(from: a, tile: 1, attempt: 1, now: 20))
        #expect(!s.progress(from: b, tile: 1, attempt: 1, now: 20))
        #expect(s.progress(from: b, tile: 1, attempt: 2, now: 20))
    }
}
