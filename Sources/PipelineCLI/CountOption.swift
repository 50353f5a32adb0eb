import ArgumentParser

/// Range checks for numeric options, run in `validate()` so a value that makes no sense (0 or
/// negative threads, a zero lease) is refused with its valid range before any work starts.
enum CountOption {
    /// Threads for one process: far more than any machine has cores is a typo, not a wish.
    static let maxThreads = 1024
    /// Local worker processes for `run --workers`.
    static let maxLocalWorkers = 256

    static func check(_ value: Int, _ name: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// A duration in seconds that must be positive (and finite).
    static func checkSeconds(_ value: Double, _ name: String) throws {
        guard value > 0, value.isFinite else {
            throw ValidationError("\(name) must be a positive number of seconds, got \(value)")
        }
    }
}
