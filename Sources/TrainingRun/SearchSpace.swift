import Foundation

/// The space a hyperparameter search draws from: named dimensions, each a choice among a few
/// values (drawn as an index) or a number range, uniform or uniform in its logarithm.
public struct SearchSpace: Sendable, Equatable {
    public enum Domain: Sendable, Equatable {
        /// `count` options; a point holds the chosen index (0..<count) as a Double.
        case choice(count: Int)
        case uniform(low: Double, high: Double)
        /// Uniform in log(value): learning rates, weights (low > 0).
        case logUniform(low: Double, high: Double)
    }

    public struct Dimension: Sendable, Equatable {
        public var name: String
        public var domain: Domain
        public init(name: String, domain: Domain) {
            self.name = name
            self.domain = domain
        }
    }

    public var dimensions: [Dimension]

    public init(_ dimensions: [Dimension]) { self.dimensions = dimensions }

    /// Whether `point` has one value per dimension, each inside its domain.
    public func contains(_ point: [Double]) -> Bool {
        guard point.count == dimensions.count else { return false }
        return zip(dimensions, point).allSatisfy { dimension, value in
            switch dimension.domain {
            case .choice(let count): value == value.rounded() && value >= 0 && value < Double(count)
            case .uniform(let low, let high), .logUniform(let low, let high): value >= low && value <= high
            }
        }
    }

    /// A point drawn uniformly (log-uniformly for `logUniform`) from the whole space.
    public func randomPoint(_ random: inout TrainingRandom) -> [Double] {
        dimensions.map { $0.domain.randomValue(&random) }
    }
}

extension SearchSpace.Domain {
    func randomValue(_ random: inout TrainingRandom) -> Double {
        switch self {
        case .choice(let count): Double(random.below(count))
        case .uniform(let low, let high): low + (high - low) * random.unit()
        case .logUniform(let low, let high): Swift.min(high, Swift.max(low, exp(log(low) + (log(high) - log(low)) * random.unit())))
        }
    }
}

extension TrainingRandom {
    /// Uniform in [0, 1), 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u = Swift.max(unit(), 0x1p-60)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
}
