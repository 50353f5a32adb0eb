import CZeroMQ

/// The ZeroMQ socket types this layer supports.
public enum SocketKind: Sendable, Hashable, CaseIterable {
    case pair, router, dealer, req, rep, pub, sub, push, pull

    /// The `ZMQ_*` constant; internal so raw integers do not leak out of the module.
    var zmqType: Int32 {
        switch self {
        case .pair: ZMQ_PAIR
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }
}
