import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The operators' HTTP endpoint: `/metrics` (Prometheus text format), `/healthz` (the process
/// answers) and `/readyz` (connected to the broker and the store writable; 503 with the reason
/// otherwise). Listens on 127.0.0.1:9464 unless configured otherwise.
struct MetricsServer: Service {
    let host: String
    let port: Int
    let metrics: DaemonMetrics
    let health: Health
    let logger: Logger

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let metrics = self.metrics
        let health = self.health
        let channel: any Channel
        do {
            channel = try await bind(group, metrics: metrics, health: health)
        } catch {
            // Metrics are for the operators; the cases must go on without them.
            logger.error("metrics endpoint cannot listen; running without it", metadata: [
                "metrics.address": "\(host):\(port)", "error": "\(error)",
            ])
            try? await gracefulShutdown()
            return
        }
        logger.info("metrics endpoint listening", metadata: ["metrics.address": "\(host):\(channel.localAddress?.port ?? port)"])
        try? await gracefulShutdown()
        try? await channel.close()
    }

    private func bind(_ group: MultiThreadedEventLoopGroup, metrics: DaemonMetrics, health: Health) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(metrics: metrics, health: health))
                }
            }
            .bind(host: host, port: port).get()
    }
}

/// Answers one request at a time per connection; everything is small and computed in memory.
private final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: DaemonMetrics
    let health: Health
    private var head: HTTPRequestHead?

    init(metrics: DaemonMetrics, health: Health) {
        self.metrics = metrics
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        let body: [UInt8]
        var contentType = "text/plain; charset=utf-8"
        switch (head.method, path) {
        case (.GET, "/metrics"):
            status = .ok
            body = metrics.exposition()
            contentType = "text/plain; version=0.0.4; charset=utf-8"
        case (.GET, "/healthz"):
            status = .ok
            body = Array("ok\n".utf8)
        case (.GET, "/readyz"):
            let snapshot = health.snapshot
            if snapshot.isHealthy {
                status = .ok
                body = Array("ready\n".utf8)
            } else {
                status = .serviceUnavailable
                var reasons: [String] = []
                if !snapshot.brokerConnected { reasons.append("broker: not connected") }
                if let error = snapshot.storeError { reasons.append("store: \(error)") }
                body = Array((reasons.joined(separator: "\n") + "\n").utf8)
            }
        case (.GET, _):
            status = .notFound
            body = Array("not found: try /metrics, /healthz or /readyz\n".utf8)
        default:
            status = .methodNotAllowed
            body = Array("only GET\n".utf8)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise() -> EventLoopPromise<Void> { eventLoop.makePromise() }
}
