import CZeroMQ

/// Waits until any of several sockets has a message (`zmq_poll`), so one owner thread can serve
/// them all: a coordinator's ROUTER and its `ZAPHandler`, for instance.
///
/// Like the sockets it polls, a `Poller` belongs to their owner thread.
///
/// ```swift
/// let poller = Poller([router, zap.socket])
/// for index in try poller.readable(within: .milliseconds(100)) {
///     if index == 1 { try zap.handlePending() } else { ... router.receive(within: .zero) ... }
/// }
/// ```
public struct Poller {
    public let sockets: [Socket]

    public init(_ sockets: [Socket]) {
        self.sockets = sockets
    }

    /// The indices (into `sockets`, ascending) of the sockets with at least one message ready,
    /// waiting up to `timeout` for the first; empty if none becomes readable in time.
    /// `.immediate` only looks; `.infinite` waits as long as it takes.
    public func readable(within timeout: Timeout) throws -> [Int] {
        guard !sockets.isEmpty else { return [] }
        var items = sockets.map {
            zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        }
        let ready = try withExtendedLifetime(sockets) {
            try checkedCall("zmq_poll", .pollFailed) {
                zmq_poll(&items, Int32(items.count), Int(timeout.zmqMilliseconds))
            }
        }
        guard ready > 0 else { return [] }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// `readable(within: .after(duration))`.
    public func readable(within duration: Duration) throws -> [Int] {
        try readable(within: .after(duration))
    }
}
