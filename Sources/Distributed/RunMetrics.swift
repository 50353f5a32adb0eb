/// What a run reports as its tiles move, for a metrics endpoint (module Observability serves these
/// to Prometheus; Distributed itself knows no metrics library). Called from the run's thread;
/// implementations must be thread-safe because the endpoint reads them from another.
public protocol RunMetrics: Sendable {
    /// A scene with this many tiles in its grid starts (once per scene; a batch adds them up).
    func sceneTiles(_ count: Int)
    /// A tile's output was committed: `latencySeconds` from handing out its attempt to the commit,
    /// `modelSeconds` the model's own time on it (on whichever machine ran it).
    func tileCommitted(latencySeconds: Double, modelSeconds: Double)
    /// An attempt failed; the tile is then retried, or quarantined when it used up its attempts.
    func attemptFailed(quarantined: Bool)
    /// Tiles cut and waiting for a worker.
    func queueDepth(_ tiles: Int)
    func workersConnected(_ count: Int)
    /// Bytes of messages received from and sent to workers.
    func received(bytes: Int)
    func sent(bytes: Int)
}

/// What a worker reports, for its own metrics endpoint.
public protocol WorkerMetrics: Sendable {
    func jobReceived()
    /// A result was sent: `latencySeconds` from the job's arrival to the result leaving (queueing
    /// included), `modelSeconds` the model's own time.
    func tileDone(latencySeconds: Double, modelSeconds: Double)
    func tileFailed()
    /// Whether a coordinator is connected (it answered since the last (re)connection).
    func connected(_ yes: Bool)
    func reconnected()
    /// Bytes of messages received from and sent to the coordinator.
    func received(bytes: Int)
    func sent(bytes: Int)
}

/// Reports nothing: the default when no endpoint is asked for.
public struct NoMetrics: RunMetrics, WorkerMetrics {
    public init() {}
    public func sceneTiles(_ count: Int) {}
    public func tileCommitted(latencySeconds: Double, modelSeconds: Double) {}
    public func attemptFailed(quarantined: Bool) {}
    public func queueDepth(_ tiles: Int) {}
    public func workersConnected(_ count: Int) {}
    public func jobReceived() {}
    public func tileDone(latencySeconds: Double, modelSeconds: Double) {}
    public func tileFailed() {}
    public func connected(_ yes: Bool) {}
    public func reconnected() {}
    public func received(bytes: Int) {}
    public func sent(bytes: Int) {}
}
