import Messaging

/// How long a test waits for something that must *not* happen (a refused or misaddressed
/// client's message): long enough for a local TCP handshake many times over, short enough to
/// keep the suite fast.
let refusalWindow = Duration.seconds(1)

/// A CURVE ROUTER server on an ephemeral local TCP port, with the context's ZAP handler,
/// served the way a coordinator does: one owner thread polling both sockets.
struct CurveServer {
    let context: MessageContext
    let keys: CurveKeyPair
    let zap: ZAPHandler?
    let router: Socket
    let endpoint: Endpoint

    init(allowing clientKeys: [String], withZAP: Bool = true) throws {
        context = try MessageContext()
        keys = try CurveKeyPair.generate()
        zap = withZAP ? try ZAPHandler(context: context, allowedClientKeys: clientKeys) : nil
        router = try Socket(.router, in: context)
        try router.makeCurveServer(keys: keys)
        try router.bind(Endpoint("tcp://127.0.0.1:*"))
        endpoint = try router.lastEndpoint!
    }

    /// A DEALER in the server's context, set up as a CURVE client with `keys`.
    func client(keys: CurveKeyPair, serverPublicKey: String? = nil) throws -> Socket {
        let dealer = try Socket(.dealer, in: context)
        try dealer.makeCurveClient(keys: keys, serverPublicKey: serverPublicKey ?? self.keys.publicKey)
        try dealer.connect(endpoint)
        return dealer
    }

    /// Answers ZAP requests until a message reaches the router or `timeout` passes.
    func receive(within timeout: Duration) throws -> [[UInt8]]? {
        try serve(router, zap: zap, within: timeout)
    }
}

/// Polls `socket` and `zap` until `socket` has a message or `timeout` passes, answering ZAP
/// requests as they come: the single-owner loop that servers run.
func serve(_ socket: Socket, zap: ZAPHandler?, within timeout: Duration) throws -> [[UInt8]]? {
    let poller = Poller([socket] + (zap.map { [$0.socket] } ?? []))
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        let ready = try poller.readable(within: min(deadline - clock.now, .milliseconds(50)))
        if ready.contains(1) { try zap?.handlePending() }
        if ready.contains(0) { return try socket.receive(within: .zero) }
    }
    return nil
}
