import Testing

@testable import TrainingRun

@Suite struct ScoringTests {
    @Test func jaccardIsPooledOverScenesAndAveragedOverPresentClasses() {
        var score = PooledJaccard(classCount: 3)
        // Scene 1, class 0: predicted {0,1}, truth {1,2} -> I 1, U 3. Scene 2, class 0: I 1, U 1.
        let p1: [Float] = [0.9, 0.6, 0.1, 0.2], t1: [UInt8] = [0, 1, 1, 0]
        let p2: [Float] = [0.7], t2: [UInt8] = [1]
        p1.withUnsafeBufferPointer { p in t1.withUnsafeBufferPointer { score.add(classIndex: 0, probabilities: p, truth: $0) } }
        p2.withUnsafeBufferPointer { p in t2.withUnsafeBufferPointer { score.add(classIndex: 0, probabilities: p, truth: $0) } }
        // Class 1 absent from the truth but predicted: not scored. Class 2 present, missed: 0.
        let none: [UInt8] = [0, 0, 0, 0], some: [UInt8] = [0, 0, 0, 1]
        p1.withUnsafeBufferPointer { p in none.withUnsafeBufferPointer { score.add(classIndex: 1, probabilities: p, truth: $0) } }
        [Float](repeating: 0, count: 4).withUnsafeBufferPointer { p in some.withUnsafeBufferPointer { score.add(classIndex: 2, probabilities: p, truth: $0) } }
        #expect(score.perClass == [0.5, nil, 0])
        #expect(score.mean == 0.25)
    }

    @Test func schedulesDecayAsDeclared() {
        #expect(LearningRateSchedule.constant.rate(initial: 0.1, step: 50, epoch: 5, totalSteps: 100) == 0.1)
        let step = LearningRateSchedule.step(everyEpochs: 2, factor: 0.5)
        #expect(step.rate(initial: 0.1, step: 0, epoch: 1, totalSteps: 100) == 0.1)
        #expect(step.rate(initial: 0.1, step: 0, epoch: 4, totalSteps: 100) == 0.025)
        #expect(LearningRateSchedule.cosine.rate(initial: 0.1, step: 0, epoch: 0, totalSteps: 100) == 0.1)
        #expect(abs(LearningRateSchedule.cosine.rate(initial: 0.1, step: 50, epoch: 0, totalSteps: 100) - 0.05) < 1e-12)
    }

    @Test func validationPatchesCoverTheSceneEndingAtItsEdge() {
        #expect(SceneValidation.corners(length: 100, size: 32) == [0, 32, 64, 68])
        #expect(SceneValidation.corners(length: 64, size: 32) == [0, 32])
        #expect(SceneValidation.corners(length: 32, size: 32) == [0])
    }
}
