/// How long a socket operation may wait (send/receive timeouts, linger).
public enum Timeout: Sendable, Hashable {
    /// Wait as long as it takes (ZeroMQ's -1).
    case infinite
    /// Wait at most this long; `.zero` means do not wait at all.
    case after(Duration)

    public static let immediate = Timeout.after(.zero)

    /// The millisecond value ZeroMQ options take: -1 for infinite.
    var zmqMilliseconds: Int32 {
        switch self {
        case .infinite: -1
        case .after(let duration): duration.zmqMilliseconds
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded *up* so a positive duration never becomes 0 (which ZeroMQ
    /// reads as "do not wait"), and clamped to `Int32.max` (about 24 days).
    var zmqMilliseconds: Int32 {
        precondition(self >= .zero, "negative duration \(self)")
        let (seconds, attoseconds) = components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        guard seconds < Int64(Int32.max) / 1000 else { return Int32.max }
        let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int32(min(seconds * 1000 + fraction, Int64(Int32.max)))
    }
}
