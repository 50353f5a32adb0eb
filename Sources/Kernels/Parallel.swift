import Dispatch

/// Runs `body(index, worker)` for every index in `0..<count` on up to `threads` workers.
///
/// Indices are split into contiguous, equally sized ranges, one per worker, so the split (and
/// therefore the result of any per-worker reduction) depends only on `count` and `threads`.
/// `worker` is in `0..<threads` and lets a body use per-worker scratch memory without locks.
public func parallelFor(_ count: Int, threads: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for index in 0..<count { body(index, 0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // Kernels hand workers raw pointers into disjoint output regions; the caller guarantees
        // the writes do not overlap, which the compiler cannot check.
        let shared = UncheckedSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * count / workers, end = (worker + 1) * count / workers
            for index in start..<end { shared.value(index, worker) }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
