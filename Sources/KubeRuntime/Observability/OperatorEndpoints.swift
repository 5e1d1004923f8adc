import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The operator process's own HTTP endpoints: `/metrics` (Prometheus text), `/healthz` (the process
/// is alive) and `/readyz` (caches synced; answers 503 with the reason until then).
public struct OperatorEndpoints: ServiceLifecycle.Service {
    public typealias ReadinessCheck = @Sendable () -> (ready: Bool, reason: String)

    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let readiness: ReadinessCheck
    let logger: Logger
    let onListening: @Sendable (Int) -> Void

    public init(host: String = "0.0.0.0", port: Int, registry: PrometheusCollectorRegistry,
                readiness: @escaping ReadinessCheck = { (true, "ok") }, logger: Logger = Logger(label: "modelship.endpoints"),
                onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        let registry = self.registry
        let readiness = self.readiness
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ -> Response in
            let (ready, reason) = readiness()
            return Response(status: ready ? .ok : .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: reason)))
        }
        let onListening = self.onListening
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.run()
    }
}
