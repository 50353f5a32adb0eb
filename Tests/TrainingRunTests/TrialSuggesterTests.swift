import Foundation
import Testing

@testable import TrainingRun

@Suite struct TrialSuggesterTests {
    let space = SearchSpace([
        .init(name: "depth", domain: .choice(count: 4)),
        .init(name: "dropout", domain: .uniform(low: 0, high: 10)),
        .init(name: "learning_rate", domain: .logUniform(low: 1e-4, high: 1e-1)),
    ])

    /// Best at choice 2, x = 7, rate 1e-2.
    func objective(_ p: [Double]) -> Double {
        (p[0] == 2 ? 1 : 0) - abs(p[1] - 7) / 5 - abs(log10(p[2]) + 2) / 2
    }

    /// A sequential search of `trials` on the toy objective.
    func search(_ algorithm: TrialSuggester.Algorithm, seed: UInt64, trials: Int = 60) -> [TrialSuggester.Observation] {
        let suggester = TrialSuggester(space: space, algorithm: algorithm, seed: seed)
        var history: [TrialSuggester.Observation] = []
        for trial in 0..<trials {
            let point = suggester.suggest(trial: trial, history: history)
            history.append(.init(point: point, score: objective(point)))
        }
        return history
    }

    static let tpe = TrialSuggester.Algorithm.tpe(startupTrials: 10, gamma: 0.25, candidates: 24)

    @Test(arguments: [TrialSuggester.Algorithm.random, tpe])
    func everyPointIsInsideTheSpace(_ algorithm: TrialSuggester.Algorithm) {
        for observation in search(algorithm, seed: 5) {
            #expect(space.contains(observation.point), "\(observation.point)")
        }
    }

    @Test(arguments: [TrialSuggester.Algorithm.random, tpe])
    func theSameSeedGivesTheSameSearchAndAnotherSeedAnother(_ algorithm: TrialSuggester.Algorithm) {
        #expect(search(algorithm, seed: 5) == search(algorithm, seed: 5))
        #expect(search(algorithm, seed: 5) != search(algorithm, seed: 6))
    }

    @Test func aSuggestionDependsOnlyOnSeedTrialAndHistory() {
        // What a resumed search relies on: the same recorded results give the same next point.
        let history = Array(search(Self.tpe, seed: 9, trials: 20))
        let a = TrialSuggester(space: space, algorithm: Self.tpe, seed: 9).suggest(trial: 20, history: history)
        let b = TrialSuggester(space: space, algorithm: Self.tpe, seed: 9).suggest(trial: 20, history: history)
        #expect(a == b)
        #expect(a != TrialSuggester(space: space, algorithm: Self.tpe, seed: 9).suggest(trial: 21, history: history))
    }

    @Test func startupTrialsAreRandomPoints() {
        let random = search(.random, seed: 3, trials: 10)
        let tpe = search(Self.tpe, seed: 3, trials: 10)
        #expect(random == tpe)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func tpeConcentratesOnTheBetterRegion(seed: UInt64) {
        let tpe = search(Self.tpe, seed: seed).suffix(30), random = search(.random, seed: seed).suffix(30)
        func distance(_ points: ArraySlice<TrialSuggester.Observation>) -> Double {
            points.map { abs($0.point[1] - 7) }.reduce(0, +) / Double(points.count)
        }
        func rateDistance(_ points: ArraySlice<TrialSuggester.Observation>) -> Double {
            points.map { abs(log10($0.point[2]) + 2) }.reduce(0, +) / Double(points.count)
        }
        let bestChoice = tpe.filter { $0.point[0] == 2 }.count
        #expect(distance(tpe) < distance(random) / 2, "x: TPE \(distance(tpe)), random \(distance(random))")
        #expect(rateDistance(tpe) < rateDistance(random), "rate: TPE \(rateDistance(tpe)), random \(rateDistance(random))")
        #expect(bestChoice > 15, "choice 2 in \(bestChoice) of the last 30 TPE trials")
        #expect(tpe.map(\.score).reduce(0, +) > random.map(\.score).reduce(0, +))
    }

    @Test func parzenDensityIsHigherNearTheObservations() {
        let estimator = ParzenEstimator(low: 0, high: 10, observed: [2, 2.2, 2.4])
        #expect(estimator.logDensity(2.2) > estimator.logDensity(8))
        // Integrates to about one over the range (truncated kernels).
        let integral = stride(from: 0.005, to: 10, by: 0.01).map { exp(estimator.logDensity($0)) * 0.01 }.reduce(0, +)
        #expect(abs(integral - 1) < 0.01, "\(integral)")
    }
}
