import Dispatch
import Foundation

/// Runs `body(index, worker)` for every index in `0..<count` on up to `threads` workers.
///
/// Each worker starts on its own contiguous share of the indices, front to back (so consecutive
/// layers touch the same rows from the same core); a worker that finishes early takes indices
/// from the back of the others' shares. On a shared machine one slowed core then delays a layer
/// by one item, not by its whole share. `worker` is in `0..<threads` and lets a body use
/// per-worker scratch memory without locks; which worker runs an index must not change results.
public func parallelFor(_ count: Int, threads: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for index in 0..<count { body(index, 0) }
        return
    }
    let shares = (0..<workers).map { WorkShare(start: $0 * count / workers, end: ($0 + 1) * count / workers) }
    withoutActuallyEscaping(body) { body in
        // Kernels hand workers raw pointers into disjoint output regions; the caller guarantees
        // the writes do not overlap, which the compiler cannot check.
        let shared = UncheckedSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while let index = shares[worker].takeFront() { shared.value(index, worker) }
            for offset in 1..<workers {
                let victim = shares[(worker + offset) % workers]
                while let index = victim.takeBack() { shared.value(index, worker) }
            }
        }
    }
}

/// The indices `front ..< back` not yet taken, from either end, under a lock.
private final class WorkShare: @unchecked Sendable {
    private var front: Int, back: Int
    private let lock = NSLock()

    init(start: Int, end: Int) { (front, back) = (start, end) }

    func takeFront() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard front < back else { return nil }
        front += 1
        return front - 1
    }

    func takeBack() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard front < back else { return nil }
        back -= 1
        return back
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
