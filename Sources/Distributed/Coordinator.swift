import Foundation
import Messaging
import Raster
import Scene

/// Runs a scene over workers: cuts tiles, sends them as JOBs to workers that asked for work,
/// stitches RESULTs as they come (in any order), journals every commit, and finishes the COG.
///
/// One thread owns the ROUTER socket and all state. Dead workers are found by silence (they send
/// heartbeats), stuck ones by job leases; failed attempts are retried elsewhere and a tile that
/// fails `maxAttempts` times is quarantined: reported, left out, and the run ends with an error
/// after writing everything else.
public final class Coordinator {
    public struct Settings: Sendable {
        public var endpoints: [Endpoint]
        public var leaseSeconds = 120.0
        public var workerTimeoutSeconds = 10.0
        public var heartbeatSeconds = 1.0
        public var maxAttempts = 3
        /// Tiles cut ahead of demand, per unit of free worker credit (bounded memory: each queued
        /// tile holds its pixels).
        public var queuedPerCredit = 1
        /// Continue from the journal in the output folder instead of starting over.
        public var resume = false

        public init(endpoints: [Endpoint]) { self.endpoints = endpoints }
    }

    public struct Hooks {
        /// Called with the ROUTER socket before it binds (e.g. to make it a CURVE server).
        public var prepareSocket: (Socket) throws -> Void = { _ in }
        /// Called on every turn of the loop (e.g. to answer ZAP authentication requests).
        public var onTurn: () throws -> Void = {}
        /// Called once the socket is bound, with the endpoints it listens on (ports resolved).
        public var onListening: ([Endpoint]) -> Void = { _ in }
        public var log: (String) -> Void = { _ in }
        public var progress: (RunProgress) -> Void = { _ in }
        public init() {}
    }

    let stack: SceneStack
    let options: TilingOptions
    let package: ModelPackage
    let outputDirectory: String
    let settings: Settings
    var hooks: Hooks

    public init(stack: SceneStack, options: TilingOptions, package: ModelPackage, outputDirectory: String,
                settings: Settings, hooks: Hooks = Hooks()) {
        self.stack = stack
        self.options = options
        self.package = package
        self.outputDirectory = outputDirectory
        self.settings = settings
        self.hooks = hooks
    }

    public func run(context: MessageContext) throws -> DistributedRunReport {
        let session = try CoordinatorSession(coordinator: self, context: context)
        return try session.run()
    }
}

/// What a distributed run did, written as JSON beside the outputs.
public struct DistributedRunReport: Codable, Sendable {
    public var run: RunReport
    public var workersSeen: Int
    public var tilesResumed: Int
    public var tilesDispatched: [Int]
    public var attemptsFailed: Int
    public var resultsRejected: Int
    public var quarantinedTiles: [QuarantinedTile]
    /// Sum over committed tiles of the workers' compute time, in seconds.
    public var workerComputeSeconds: Double

    /// The report of a run that used no workers (`--workers 0`), in the same shape.
    public init(inProcess run: RunReport) {
        self.init(run: run, workersSeen: 0, tilesResumed: 0, tilesDispatched: [], attemptsFailed: 0, resultsRejected: 0,
                  quarantinedTiles: [], workerComputeSeconds: run.timings.modelSeconds)
    }

    init(run: RunReport, workersSeen: Int, tilesResumed: Int, tilesDispatched: [Int], attemptsFailed: Int, resultsRejected: Int,
         quarantinedTiles: [QuarantinedTile], workerComputeSeconds: Double) {
        self.run = run
        self.workersSeen = workersSeen
        self.tilesResumed = tilesResumed
        self.tilesDispatched = tilesDispatched
        self.attemptsFailed = attemptsFailed
        self.resultsRejected = resultsRejected
        self.quarantinedTiles = quarantinedTiles
        self.workerComputeSeconds = workerComputeSeconds
    }

    public struct QuarantinedTile: Codable, Sendable {
        public var tile: Int
        public var row: Int
        public var col: Int
        public var reasons: [String]
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
