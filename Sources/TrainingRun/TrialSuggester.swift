import Foundation

/// Proposes the next trial of a hyperparameter search, by random search or by the Tree-structured
/// Parzen Estimator (TPE) of hyperopt (Bergstra et al. 2011): after `startupTrials` random points,
/// the finished trials are split into the best `gamma` fraction and the rest; each dimension gets
/// a density l(x) fitted to the best and g(x) to the rest, `candidates` values are drawn from l,
/// and the one with the largest l(x)/g(x) is proposed. Dimensions are treated independently, as
/// hyperopt does for a flat space.
///
/// A suggestion depends only on the seed, the trial number and the observations given, so a
/// search resumed from its recorded results proposes what the uninterrupted one would have.
public struct TrialSuggester: Sendable {
    public enum Algorithm: Sendable, Equatable {
        case random
        case tpe(startupTrials: Int, gamma: Double, candidates: Int)
    }

    /// A finished trial: its point and its score (higher is better: the best validation Jaccard).
    public struct Observation: Sendable, Equatable {
        public var point: [Double]
        public var score: Double
        public init(point: [Double], score: Double) {
            self.point = point
            self.score = score
        }
    }

    public let space: SearchSpace
    public let algorithm: Algorithm
    public let seed: UInt64

    public init(space: SearchSpace, algorithm: Algorithm, seed: UInt64) {
        self.space = space
        self.algorithm = algorithm
        self.seed = seed
    }

    /// The point for trial `trial` (0-based) given the trials finished so far.
    public func suggest(trial: Int, history: [Observation]) -> [Double] {
        var random = Self.generator(seed: seed, trial: trial)
        let finished = history.filter { $0.score.isFinite && space.contains($0.point) }
        guard case .tpe(let startup, let gamma, let candidates) = algorithm, finished.count >= max(startup, 2) else {
            return space.randomPoint(&random)
        }
        // Best first; ties keep the history's order so the split is deterministic.
        let ranked = finished.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .map(\.element)
        let belowCount = min(ranked.count - 1, max(1, Int((gamma * Double(ranked.count)).rounded(.up))))
        let below = ranked[..<belowCount], above = ranked[belowCount...]
        return space.dimensions.enumerated().map { index, dimension in
            let good = below.map { $0.point[index] }, bad = above.map { $0.point[index] }
            switch dimension.domain {
            case .choice(let count):
                let l = CategoricalEstimator(count: count, observed: good), g = CategoricalEstimator(count: count, observed: bad)
                return best(of: (0..<candidates).map { _ in l.sample(&random) }, l: l.logDensity, g: g.logDensity)
            case .uniform(let low, let high):
                let l = ParzenEstimator(low: low, high: high, observed: good), g = ParzenEstimator(low: low, high: high, observed: bad)
                return best(of: (0..<candidates).map { _ in l.sample(&random) }, l: l.logDensity, g: g.logDensity)
            case .logUniform(let low, let high):
                // Fitted on log(value), so the kernels are as wide on 1e-4..1e-3 as on 1e-3..1e-2.
                let l = ParzenEstimator(low: log(low), high: log(high), observed: good.map(log))
                let g = ParzenEstimator(low: log(low), high: log(high), observed: bad.map(log))
                let value = best(of: (0..<candidates).map { _ in l.sample(&random) }, l: l.logDensity, g: g.logDensity)
                return min(high, max(low, exp(value)))
            }
        }
    }

    /// The candidate with the largest log l(x) - log g(x); the first one on ties.
    private func best(of candidates: [Double], l: (Double) -> Double, g: (Double) -> Double) -> Double {
        var bestValue = candidates[0], bestGain = -Double.infinity
        for x in candidates {
            let gain = l(x) - g(x)
            if gain > bestGain {
                bestGain = gain
                bestValue = x
            }
        }
        return bestValue
    }

    /// One generator per trial, mixed from the seed and the trial number (not consecutive states
    /// of one stream, which neighbouring trials would share).
    static func generator(seed: UInt64, trial: Int) -> TrainingRandom {
        var base = TrainingRandom(seed: seed)
        var random = TrainingRandom(seed: base.next() ^ (UInt64(trial) &* 0xD1B5_4A32_D192_ED03))
        _ = random.next()
        return random
    }
}

/// A choice's density: observed counts plus one for every option (so none has probability 0).
struct CategoricalEstimator {
    let probabilities: [Double]

    init(count: Int, observed: [Double]) {
        var counts = [Double](repeating: 1, count: count)
        for value in observed { counts[Int(value)] += 1 }
        let total = counts.reduce(0, +)
        probabilities = counts.map { $0 / total }
    }

    func sample(_ random: inout TrainingRandom) -> Double {
        var u = random.unit()
        for (index, p) in probabilities.enumerated() {
            u -= p
            if u < 0 { return Double(index) }
        }
        return Double(probabilities.count - 1)
    }

    func logDensity(_ x: Double) -> Double { log(probabilities[Int(x)]) }
}

/// hyperopt's adaptive Parzen estimator on [low, high]: a Gaussian on every observation, as wide
/// as the larger gap to its neighbours (clipped between range / min(100, n + 1) and the range),
/// plus a prior Gaussian on the middle as wide as the range; each truncated to [low, high].
struct ParzenEstimator {
    let low: Double, high: Double
    let means: [Double]
    let sigmas: [Double]
    /// Each truncated kernel's mass inside [low, high], to normalize its density.
    let masses: [Double]

    init(low: Double, high: Double, observed: [Double]) {
        self.low = low
        self.high = high
        let range = max(high - low, .leastNormalMagnitude)
        let middle = (low + high) / 2
        let points = (observed + [middle]).sorted()
        let minimum = range / min(100, Double(points.count))
        var sigmas: [Double] = []
        for (index, point) in points.enumerated() {
            let left = index > 0 ? point - points[index - 1] : point - low
            let right = index + 1 < points.count ? points[index + 1] - point : high - point
            sigmas.append(min(range, max(minimum, left, right)))
        }
        // The prior's kernel spans the whole range.
        if let prior = points.firstIndex(of: middle) { sigmas[prior] = range }
        means = points
        self.sigmas = sigmas
        masses = zip(points, sigmas).map { mean, sigma in
            max(Self.normalCDF((high - mean) / sigma) - Self.normalCDF((low - mean) / sigma), 1e-12)
        }
    }

    func sample(_ random: inout TrainingRandom) -> Double {
        let k = random.below(means.count)
        for _ in 0..<64 {
            let x = means[k] + sigmas[k] * random.gaussian()
            if x >= low && x <= high { return x }
        }
        return min(high, max(low, means[k]))
    }

    func logDensity(_ x: Double) -> Double {
        var sum = 0.0
        for k in means.indices {
            let z = (x - means[k]) / sigmas[k]
            sum += exp(-0.5 * z * z) / (sigmas[k] * (2 * Double.pi).squareRoot() * masses[k])
        }
        return log(max(sum / Double(means.count), .leastNormalMagnitude))
    }

    static func normalCDF(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.squareRoot())) }
}
