/// Scratch memory for convolution kernels: one region per worker thread, allocated once and
/// reused by every layer of a plan (so a forward pass allocates nothing).
public final class Workspace: @unchecked Sendable {
    public private(set) var floatsPerWorker = 0
    public private(set) var workers = 0
    private var storage: UnsafeMutablePointer<Float>?

    public init() {}

    /// Grows the regions to at least `floatsPerWorker` floats for `workers` workers; keeps them otherwise.
    public func reserve(floatsPerWorker needed: Int, workers neededWorkers: Int) {
        guard needed > floatsPerWorker || neededWorkers > workers else { return }
        storage?.deallocate()
        floatsPerWorker = max(needed, floatsPerWorker)
        workers = max(neededWorkers, workers)
        // Round each region to 64 bytes so workers never share a cache line.
        floatsPerWorker = (floatsPerWorker + 15) / 16 * 16
        storage = .allocate(capacity: floatsPerWorker * workers)
    }

    /// The region of `worker`, `floatsPerWorker` floats long.
    public func region(_ worker: Int) -> UnsafeMutablePointer<Float> {
        precondition(worker < workers, "worker \(worker) has no workspace region (\(workers) reserved)")
        return storage! + worker * floatsPerWorker
    }

    deinit { storage?.deallocate() }
}
