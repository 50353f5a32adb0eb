import ArgumentParser
import Distributed
import Foundation
import Maps
import PipelineConfig
import Scene

/// Many scenes in one run (`run --scenes LIST`, `coordinator --scenes LIST`): each listed scene is
/// run exactly as a single-scene run would run it — its own output folder `OUT/ID/`, journal,
/// `--resume`, map stages and `run-report.json` — through one executor for the whole batch: this
/// process, or one coordinator and one set of workers. With a coordinator, the next scene's tiles
/// are handed out while the last tiles of the scene before are still on workers, and a scene is
/// finished (COG, map stages, report) on a thread of its own meanwhile.
///
/// A scene that fails (a missing file, a band mismatch, quarantined tiles) is reported and the
/// others go on; the batch ends with `OUT/batch-report.json`, a table, and a non-zero exit status
/// when a scene failed.
/// `@unchecked Sendable`: `rows` and `open` are read and written under `lock`; a finished run is
/// touched only by the finisher.
final class BatchRun: SceneRunFeed, @unchecked Sendable {
    let stop: StopRequest
    /// Starts the lines printed: `run` or `coordinator`.
    private let label: String
    private let pipeline: String
    private let listPath: String
    private let spec: PipelineSpec
    private let scenes: [ListedScene]
    private let outputDirectory: String
    private let resume: Bool
    private let threads: Int
    /// Every scene's `--memory-budget` and `--data`.
    private let resources: (budget: MemoryBudget, data: TileData)
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    /// Scenes to run, as indices into `scenes`, and the next one to open.
    private var queue: [Int] = []
    private var nextInQueue = 0
    /// One row per scene; written from the coordinator's thread and the finisher's.
    private var rows: [BatchReport.Scene]
    private let lock = NSLock()
    /// Scenes opened and not finished yet.
    private var open: [ObjectIdentifier: OpenScene] = [:]
    /// Finishes scenes (COG, map stages, report) one at a time, off the coordinator's thread.
    private let finisher = DispatchQueue(label: "pipeline.batch.finisher")
    /// The model package of the first scene opened (see `checkSameModel`).
    private var firstPackage: ModelPackage?

    private struct FinishedRun: @unchecked Sendable {
        let run: SceneRun
        let execution: ExecutionSummary
    }

    private struct OpenScene {
        let index: Int
        let setup: PipelineSetup
        let directory: String
        let openedAt: Double
    }

    /// Reads the list and the pipeline and creates the output folder; a bad list is one line per
    /// problem on standard error, before anything is written.
    init(pipeline: String, list: String, baseFolder: String?, out: String?, resume: Bool, threads: Int, stop: StopRequest, label: String,
         resources: (budget: MemoryBudget, data: TileData) = (.default, .pixels)) throws {
        start = clock.now
        self.resources = resources
        self.pipeline = pipeline
        listPath = list
        self.resume = resume
        self.threads = threads
        self.stop = stop
        self.label = label
        do {
            scenes = try SceneList.read(path: list, baseFolder: baseFolder)
        } catch let error as SceneListError {
            for problem in error.problems { Console.error("Error: \(problem)") }
            throw ExitCode.failure
        }
        guard scenes.count <= Coordinator.maxScenesPerBatch else {
            throw ValidationFailure(message: "\(list): \(scenes.count) scenes; a batch runs at most \(Coordinator.maxScenesPerBatch): split the list")
        }
        spec = try PipelineSpec.load(path: pipeline)
        guard let directory = out ?? spec.outputs.directory else {
            throw ValidationFailure(message: "\(pipeline): no output folder: pass --out or set outputs.directory")
        }
        outputDirectory = directory
        try OutputFiles.createFolder(directory, option: out == nil ? "outputs.directory" : "--out")
        rows = scenes.map { BatchReport.Scene(id: $0.id, origin: $0.origin, status: .notStarted) }
        for index in scenes.indices {
            if resume, let tiles = finishedBefore(scenes[index]) {
                rows[index].status = .finishedBefore
                rows[index].tiles = tiles
                rows[index].outputs = "\(directory)/\(scenes[index].id)"
            } else {
                queue.append(index)
            }
        }
        let skipped = scenes.count - queue.count
        Console.line("\(label): \(scenes.count) scene(s) from \(list) into \(directory)" + (skipped > 0 ? ", \(skipped) finished before" : ""))
    }

    private var elapsed: Double { (clock.now - start).seconds }

    // MARK: Executors

    /// Every scene in this process, one after another (`--workers 0`).
    func runInProcess() throws -> BatchReport {
        while stop.reason == nil, let run = try nextRun() {
            guard let scene = lock.withLock({ open[ObjectIdentifier(run)] }) else { continue }
            var executor = InProcessExecutor(model: scene.setup.model)
            executor.delayMilliseconds = FaultInjection.fromEnvironment().delayMilliseconds
            let execution: ExecutionSummary
            do { execution = try executor.execute(run) } catch {
                fail(run, error)
                continue
            }
            markTilesDone(run)
            finish(run, execution: execution)
        }
        return try end()
    }

    /// Every scene through one coordinator (its workers serve the whole batch).
    func run(with coordinator: Coordinator) throws -> BatchReport {
        do {
            try coordinator.execute(self)
        } catch {
            // The coordinator cannot go on (a scene's journal or output cannot be written): the
            // scenes it had open fail with its error; those finished keep their outputs.
            finisher.sync {}
            let unfinished = lock.withLock { () -> [OpenScene] in
                defer { open.removeAll() }
                return Array(open.values)
            }
            for scene in unfinished { markFailed(scene, error) }
        }
        finisher.sync {}
        return try end()
    }

    // MARK: SceneRunFeed

    func nextRun() throws -> SceneRun? {
        while nextInQueue < queue.count {
            let index = queue[nextInQueue]
            nextInQueue += 1
            if let run = open(index) { return run }
        }
        return nil
    }

    func runFinished(_ run: SceneRun, execution: ExecutionSummary) {
        markTilesDone(run)
        // The coordinator never touches a run again once it handed it over here.
        let handover = FinishedRun(run: run, execution: execution)
        finisher.async { self.finish(handover.run, execution: handover.execution) }
    }

    private func markTilesDone(_ run: SceneRun) {
        lock.withLock { if let index = open[ObjectIdentifier(run)]?.index { rows[index].tilesDoneAt = elapsed } }
    }

    // MARK: Scenes

    private func open(_ index: Int) -> SceneRun? {
        let scene = scenes[index], directory = "\(outputDirectory)/\(scene.id)", openedAt = elapsed
        let name = "\(label): scene \(scene.id) (\(index + 1) of \(scenes.count))"
        do {
            let setup = try PipelineSetup(spec: spec, sources: spec.sceneSources(at: scene.location), threads: threads,
                                          memoryBudgetBytes: resources.budget.bytes)
            try checkSameModel(setup.package)
            _ = try SceneRun.memoryPlan(stack: setup.stack, options: setup.options, package: setup.package, budget: resources.budget)
            try OutputFiles.createFolder(directory, option: "--out")
            let journal = FileManager.default.fileExists(atPath: "\(directory)/.journal/run.json")
            let run = try SceneRun(stack: setup.stack, options: setup.options, package: setup.package, outputDirectory: directory,
                                   resume: resume && journal, budget: resources.budget, data: resources.data)
            run.stop = stop
            run.onProgress = ProgressPrinter(label: "\(label): scene \(scene.id)").update
            Console.line("\(name): \(setup.summary)" + (resume && journal ? "; resuming from its journal" : ""))
            for warning in setup.warnings { Console.error("\(name): \(warning)") }
            lock.withLock {
                open[ObjectIdentifier(run)] = OpenScene(index: index, setup: setup, directory: directory, openedAt: openedAt)
                rows[index].tilesStartedAt = elapsed
            }
            return run
        } catch {
            let message = BatchRun.oneLine(error)
            Console.error("\(name): failed: \(message)")
            lock.withLock {
                rows[index].status = .failed
                rows[index].error = message
                rows[index].seconds = elapsed - openedAt
            }
            return nil
        }
    }

    /// Workers load the model once per batch: every scene must ship the first one's package. With
    /// one pipeline it always does; a difference means the scene changed what the model is told.
    private func checkSameModel(_ package: ModelPackage) throws {
        guard let first = firstPackage else { return firstPackage = package }
        guard package.digest == first.digest, package.classNames == first.classNames, package.normalization == first.normalization,
              package.options == first.options else {
            throw ValidationFailure(message: "the scene's model package (model, classes, normalization, options) differs from the batch's first scene: run it on its own")
        }
    }

    /// Writes the scene's COG, map stages and run report, as a single-scene run does.
    private func finish(_ run: SceneRun, execution: ExecutionSummary) {
        guard let scene = lock.withLock({ open.removeValue(forKey: ObjectIdentifier(run)) }) else { return }
        let listed = scenes[scene.index], name = "\(label): scene \(listed.id)"
        do {
            let tiles = try run.finish(execution)
            let report = try CoordinatorOptions.finish(tiles, setup: scene.setup, source: source(of: listed), directory: scene.directory, label: name)
            Console.line("\(name): " + CoordinatorOptions.outputsLine(scene.directory, maps: report.maps))
            lock.withLock {
                rows[scene.index].status = .done
                rows[scene.index].outputs = scene.directory
                rows[scene.index].tiles = report.tiles.run.tilesCommitted
                rows[scene.index].seconds = elapsed - scene.openedAt
            }
        } catch {
            let message = BatchRun.oneLine(error)
            Console.error("\(name): \(execution.stopped == nil ? "failed" : "interrupted"): \(message)")
            lock.withLock {
                rows[scene.index].status = execution.stopped == nil ? .failed : .interrupted
                rows[scene.index].error = message
                rows[scene.index].seconds = elapsed - scene.openedAt
            }
        }
    }

    /// A scene whose tiles could not be run (its journal or output could not be written).
    private func fail(_ run: SceneRun, _ error: Error) {
        guard let scene = lock.withLock({ open.removeValue(forKey: ObjectIdentifier(run)) }) else { return }
        markFailed(scene, error)
    }

    private func markFailed(_ scene: OpenScene, _ error: Error) {
        let message = BatchRun.oneLine(error)
        Console.error("\(label): scene \(scenes[scene.index].id): failed: \(message)")
        lock.withLock {
            rows[scene.index].status = .failed
            rows[scene.index].error = message
            rows[scene.index].seconds = elapsed - scene.openedAt
        }
    }

    /// What `run-report.json` records of where the scene came from (`pipeline export` opens it again).
    private func source(of scene: ListedScene) -> RunSource {
        switch scene.location {
        case .folder(let folder, let id): RunSource(pipeline: pipeline, scene: folder, sceneID: id)
        case .stacItem(let item): RunSource(pipeline: pipeline, scene: item.folder, sceneID: item.id, stac: item.file, assets: item.assets)
        }
    }

    /// With `--resume`: the tiles of a scene whose folder holds the finished run of this pipeline
    /// on this scene (a report without quarantined tiles, no journal); nil when it must run.
    private func finishedBefore(_ scene: ListedScene) -> Int? {
        let directory = "\(outputDirectory)/\(scene.id)"
        guard !FileManager.default.fileExists(atPath: "\(directory)/.journal"),
              let report = try? PipelineRunReport.read(runDirectory: directory), report.tiles.quarantinedTiles.isEmpty else { return nil }
        let expected = source(of: scene), recorded = report.source
        guard recorded.pipeline == expected.pipeline, recorded.scene == expected.scene, recorded.sceneID == expected.sceneID,
              recorded.assets == expected.assets else { return nil }
        return report.tiles.run.tilesCommitted
    }

    // MARK: Summary

    /// Writes `batch-report.json`, prints the table; throws when a scene failed or the batch was stopped.
    private func end() throws -> BatchReport {
        var report = lock.withLock {
            BatchReport(pipeline: URL(fileURLWithPath: pipeline).standardizedFileURL.path, scenes: URL(fileURLWithPath: listPath).standardizedFileURL.path,
                        outputs: outputDirectory, seconds: elapsed, results: rows)
        }
        var previousDone: Double?
        for index in report.results.indices where report.results[index].tilesStartedAt != nil {
            if let previousDone { report.results[index].handoverSeconds = report.results[index].tilesStartedAt! - previousDone }
            previousDone = report.results[index].tilesDoneAt
        }
        let path = "\(outputDirectory)/batch-report.json"
        try report.write(to: path)
        Console.line("\(label): batch of \(scenes.count) scene(s) in \(String(format: "%.1f", report.seconds)) s; \(path):")
        for line in report.table { Console.line("  " + line) }
        if let reason = stop.reason {
            let unfinished = report.results.filter { $0.status == .interrupted || $0.status == .notStarted }.count
            throw DistributedError(code: .interrupted, message: "stopped by \(reason): \(unfinished) scene(s) left unfinished (journaled where started); "
                                   + "run the same command with --resume to continue")
        }
        if report.failed > 0 {
            throw ValidationFailure(message: "\(report.failed) of \(scenes.count) scene(s) failed; see the table above and \(path)")
        }
        return report
    }

    static func oneLine(_ error: Error) -> String {
        let text = (error as NSError).domain == NSCocoaErrorDomain ? FileErrorReason.describe(error) : PipelineCommand.message(for: error)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
