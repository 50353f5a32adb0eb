import Distributed
import Foundation
import Logging

extension RunCommand {
    /// `run --scenes LIST`: every listed scene, in this process (`--workers 0`) or through one
    /// coordinator and one pool of local workers for the whole batch.
    func runBatch(_ list: String, stop: StopRequest, metrics: any RunMetrics, logger: Logger) throws {
        let batch = try BatchRun(pipeline: input.pipeline, list: list, baseFolder: input.scene, out: input.out, resume: resume,
                                 threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, stop: stop, label: "run",
                                 resources: (resources.budget, resources.data))
        if workers == 0 {
            _ = try batch.runInProcess()
            return
        }
        let pool = LocalWorkerPool(count: workers, threads: threadsPerWorker, arguments: log.arguments, logger: logger)
        defer { pool.stop() }
        _ = try batch.run(with: try localCoordinator(pool, metrics: metrics))
    }
}
