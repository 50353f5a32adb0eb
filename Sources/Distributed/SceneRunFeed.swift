/// The scenes one coordinator serves one after another on one socket and one set of workers
/// (`pipeline run --scenes`): the next scene's tiles are cut and handed out while the last tiles of
/// the scene before are still out, so workers never wait between scenes.
///
/// Every scene is a `SceneRun` of its own (its output folder, journal, resume and report are those
/// of a single-scene run); every scene must use the same model package, which workers load once.
public protocol SceneRunFeed: AnyObject {
    /// Checked on every turn: set, the coordinator stops dispatching and hands every scene still
    /// running to `runFinished` with `ExecutionSummary.stopped`.
    var stop: StopRequest { get }

    /// The next scene's run, or nil when there is none. Called on the coordinator's thread when the
    /// scene before has handed out its last tile: keep it quick (open the scene, nothing more). A
    /// scene that cannot start is the feed's to report; it returns the next one that can.
    func nextRun() throws -> SceneRun?

    /// Every tile of `run` is committed or quarantined (or the coordinator is stopping): the feed
    /// calls `run.finish(execution)`, on another thread if it does more (writing the COG, map
    /// stages), since the coordinator keeps serving the other scenes meanwhile. Called once per run.
    func runFinished(_ run: SceneRun, execution: ExecutionSummary)
}

/// One scene: what `Coordinator.execute(_ run:)` serves; finishing is left to `SceneRun.run(with:)`.
final class SingleRunFeed: SceneRunFeed {
    private var run: SceneRun?
    private(set) var execution: ExecutionSummary?
    let stop: StopRequest

    init(_ run: SceneRun) {
        self.run = run
        stop = run.stop
    }

    func nextRun() -> SceneRun? {
        defer { run = nil }
        return run
    }

    func runFinished(_ run: SceneRun, execution: ExecutionSummary) { self.execution = execution }
}

extension Coordinator {
    /// Scenes one coordinator session serves: a job id is `scene << 32 | tile index`, and ids stay
    /// below 2^48 on the wire.
    public static let maxScenesPerBatch = 1 << 16
}

/// How a batch names its jobs on the wire: the scene's slot (the feed's scenes counted from 0) in
/// the high bits, the tile's index in that scene's grid in the low 32, so a single scene's job ids
/// are its tile indices.
enum BatchJobID {
    static func make(slot: Int, tile: Int) -> Int { slot << 32 | tile }
    static func slot(of id: Int) -> Int { id >> 32 }
    static func tile(of id: Int) -> Int { id & 0xFFFF_FFFF }
}

extension DistributedError.Code {
    /// A batch of more scenes than one coordinator session numbers (`Coordinator.maxScenesPerBatch`).
    public static let batchTooLarge = DistributedError.Code(name: "batchTooLarge")
}
