import CZeroMQ

/// Watches one socket's connection events (`zmq_socket_monitor`): libzmq publishes them on an
/// inproc PAIR socket, which this object owns and reads without blocking, on the watched socket's
/// owner thread.
///
/// The monitor keeps the watched socket alive and stops monitoring it when it goes away, so
/// dropping the monitor and then the socket (or both at once) is always safe.
public final class SocketMonitor {
    public let socket: Socket
    /// The PAIR socket the events arrive on, exposed for polling with a `Poller`.
    public let events: Socket

    public init(_ socket: Socket, watching kinds: SocketEvent.Kinds) throws {
        self.socket = socket
        // Unique within the context: the watched socket's address plus a random number, since
        // an address can be reused once a socket is closed.
        let address = "inproc://pipeline.monitor.\(UInt(bitPattern: socket.handle)).\(UInt64.random(in: 0...UInt64.max))"
        try checkedCall("zmq_socket_monitor", .monitorFailed, subject: address) {
            zmq_socket_monitor(socket.handle, address, Int32(kinds.rawValue))
        }
        do {
            events = try Socket(.pair, in: socket.context)
            try events.connect(Endpoint(address))
        } catch {
            zmq_socket_monitor(socket.handle, nil, 0)
            throw error
        }
    }

    deinit {
        // Fails only for a handle that is not a socket, impossible while `socket` is held here.
        zmq_socket_monitor(socket.handle, nil, 0)
    }

    /// The next event, waiting at most `timeout` (`.zero` only takes one already queued).
    public func next(within timeout: Duration = .zero) throws -> SocketEvent? {
        while let frames = try events.receive(within: timeout, limits: ReceiveLimits(maxFrames: 2, maxTotalBytes: 4096)) {
            if let event = SocketEvent(frames: frames) { return event }
        }
        return nil
    }

    /// Every event already queued, oldest first.
    public func pending() throws -> [SocketEvent] {
        var all: [SocketEvent] = []
        while let event = try next() { all.append(event) }
        return all
    }
}
