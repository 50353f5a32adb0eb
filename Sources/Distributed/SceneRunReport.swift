import Foundation
import Scene

/// What a run did, written as `run-report.json` beside the outputs; the same shape whichever
/// executor ran the tiles.
public struct SceneRunReport: Codable, Sendable {
    public var run: RunReport
    public var workersSeen: Int
    public var tilesResumed: Int
    public var tilesDispatched: [Int]
    public var attemptsFailed: Int
    public var resultsRejected: Int
    public var quarantinedTiles: [QuarantinedTile]
    /// Sum over committed tiles of the model's compute time, in seconds (on workers or here).
    public var workerComputeSeconds: Double

    public init(run: RunReport, tilesResumed: Int, execution: ExecutionSummary) {
        self.run = run
        self.tilesResumed = tilesResumed
        workersSeen = execution.workersSeen
        tilesDispatched = execution.tilesDispatched
        attemptsFailed = execution.attemptsFailed
        resultsRejected = execution.resultsRejected
        quarantinedTiles = execution.quarantinedTiles
        workerComputeSeconds = execution.modelSeconds
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
