import Foundation
import Logging
import Messaging
import Raster
import Scene

/// Runs a scene's tiles on workers: sends them as JOBs to workers that asked for work and hands
/// RESULTs back to the `SceneRun` as they come (in any order). A batch of scenes (`SceneRunFeed`)
/// runs on the same socket and workers, the next scene's tiles following the last of the one before.
///
/// One thread owns the ROUTER socket and all state. Dead workers are found by silence (they send
/// heartbeats), stuck ones by job leases; failed attempts are retried elsewhere and a tile that
/// fails `maxAttempts` times is quarantined: reported, left out, and the run ends with an error
/// after writing everything else.
public final class Coordinator: TileExecutor {
    public struct Settings: Sendable {
        public var endpoints: [Endpoint]
        public var leaseSeconds = 120.0
        public var workerTimeoutSeconds = 10.0
        public var heartbeatSeconds = 1.0
        public var maxAttempts = 3
        /// Tiles cut ahead of demand, per unit of free worker credit (bounded memory: each queued
        /// tile holds its pixels).
        public var queuedPerCredit = 1

        public init(endpoints: [Endpoint]) { self.endpoints = endpoints }
    }

    public struct Hooks {
        /// Called with the ROUTER socket before it binds (e.g. to make it a CURVE server).
        public var prepareSocket: (Socket) throws -> Void = { _ in }
        /// Called on every turn of the loop (e.g. to answer ZAP authentication requests).
        public var onTurn: () throws -> Void = {}
        /// Called once the socket is bound, with the endpoints it listens on (ports resolved).
        public var onListening: ([Endpoint]) -> Void = { _ in }
        /// Where the run's log lines go, with `LogKey` metadata (the run id is added here).
        public var logger = Logger.silent
        /// Counters and gauges for a metrics endpoint.
        public var metrics: any RunMetrics = NoMetrics()
        /// Log lines as plain messages, without metadata (sets `logger`).
        public var log: (String) -> Void {
            get { { _ in } }
            set { logger = .lines(newValue) }
        }
        public init() {}
    }

    let settings: Settings
    var hooks: Hooks
    let context: MessageContext

    public init(settings: Settings, hooks: Hooks = Hooks(), context: MessageContext) {
        self.settings = settings
        self.hooks = hooks
        self.context = context
    }

    public func execute(_ run: SceneRun) throws -> ExecutionSummary {
        let feed = SingleRunFeed(run)
        try execute(feed)
        return feed.execution ?? ExecutionSummary()
    }

    /// Serves every scene of `feed` on one socket, handing each to `feed.runFinished` when its
    /// last tile is in; returns when every scene is finished or a stop was requested.
    public func execute(_ feed: SceneRunFeed) throws {
        guard let first = try feed.nextRun() else { return }
        try CoordinatorSession(coordinator: self, feed: feed, first: first).execute()
    }
}
