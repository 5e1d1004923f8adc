import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The HTTP/1.1 server (keep-alive, pipelining-safe) on SwiftNIO. On graceful shutdown it stops
/// accepting, lets every connection finish the request it is serving, then returns.
public struct HTTPServer: Service {
    let api: InferenceAPI
    let registry: PrometheusCollectorRegistry
    let host: String
    let port: Int
    let logger: Logger
    let onListening: @Sendable (Int) -> Void

    public init(api: InferenceAPI, registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger,
                onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.api = api
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let endpoints = PlainEndpoints(api: api, registry: registry)
        let api = self.api
        let logger = self.logger
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Only NIO's request parser: HTTPConnectionHandler frames responses, orders pipelined
                    // requests and answers parse errors itself (see there for why).
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                        HTTPConnectionHandler(api: api, endpoints: endpoints, logger: logger))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: host, port: port)
            .get()
        let boundPort = channel.localAddress?.port ?? port
        logger.info("listening", metadata: ["address": "\(host):\(boundPort)"])
        onListening(boundPort)

        try? await gracefulShutdown()
        logger.info("draining connections")
        let drained = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: drained)
        try await drained.futureResult.get()
    }
}
