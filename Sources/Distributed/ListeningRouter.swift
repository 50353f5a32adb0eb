import Messaging

/// The coordinator's socket, set up once for tile runs and searches alike: a ROUTER that reports
/// unreachable peers instead of dropping their messages, ZeroMQ heartbeats to notice dead
/// connections, a cap on message size (a hostile peer cannot make it allocate more), the hooks'
/// own preparation (CURVE keys), then bound to every endpoint and announced.
enum ListeningRouter {
    static func bind(settings: Coordinator.Settings, context: MessageContext, hooks: Coordinator.Hooks, maxMessageBytes: Int) throws -> Socket {
        let socket = try Socket(.router, in: context)
        try socket.setLinger(.immediate)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(maxMessageBytes)
        try socket.setHeartbeatInterval(.seconds(1))
        try socket.setHeartbeatTimeout(.seconds(5))
        try socket.setHeartbeatTTL(.seconds(10))
        try hooks.prepareSocket(socket)
        var listening: [Endpoint] = []
        for endpoint in settings.endpoints {
            try socket.bind(endpoint)
            listening.append(try socket.lastEndpoint ?? endpoint)
        }
        hooks.onListening(listening)
        return socket
    }

    /// One turn of a coordinator's loop: waits up to 20 ms for a message, then handles it and
    /// every other one already waiting, so housekeeping runs between bursts, not between messages.
    static func receiveTurn(on socket: Socket, limits: ReceiveLimits, _ handle: ([[UInt8]]) throws -> Void) throws {
        guard let frames = try socket.receive(within: .milliseconds(20), limits: limits) else { return }
        try handle(frames)
        while let more = try socket.receive(within: .zero, limits: limits) { try handle(more) }
    }
}
