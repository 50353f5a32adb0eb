import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `GET /metrics` (Prometheus text format) over HTTP/1.1 on one event-loop thread, for
/// Prometheus to scrape while the process works. Anything else is 404 (405 for other methods).
/// Bound on all interfaces so a scraper on another machine or pod reaches it.
public final class MetricsEndpoint: Sendable {
    /// The port it listens on (the one chosen when asked for port 0).
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// Binds at once, so a port in use is an error before any work: `option` names the flag in it.
    public init(port: Int, host: String = "0.0.0.0", option: String = "--metrics-port", body: @escaping @Sendable () -> String) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(body: body))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw MetricsEndpoint.describe(error, port: port, option: option)
        }
        self.group = group
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops listening and ends the event loop.
    public func close() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private static func describe(_ error: Error, port: Int, option: String) -> ObservabilityError {
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE:
            return ObservabilityError(code: .portInUse, message: "\(option) \(port): port \(port) is in use by another process; choose another port (0 picks a free one)")
        case EACCES:
            return ObservabilityError(code: .portDenied, message: "\(option) \(port): permission denied (ports below 1024 need privileges); choose a port of 1024 or more")
        default:
            return ObservabilityError(code: .endpoint, message: "\(option) \(port): cannot listen: \(error)")
        }
    }
}

/// One HTTP connection: answers each request when it is complete.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let body: @Sendable () -> String
    private var head: HTTPRequestHead?

    init(body: @escaping @Sendable () -> String) { self.body = body }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let status: HTTPResponseStatus, text: String, type: String
        if request.method != .GET && request.method != .HEAD {
            (status, text, type) = (.methodNotAllowed, "only GET /metrics is served\n", "text/plain; charset=utf-8")
        } else if path == "/metrics" {
            (status, text, type) = (.ok, body(), "text/plain; version=0.0.4; charset=utf-8")
        } else {
            (status, text, type) = (.notFound, "not found: metrics are at /metrics\n", "text/plain; charset=utf-8")
        }
        let bytes = Array(text.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(bytes.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive, channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
