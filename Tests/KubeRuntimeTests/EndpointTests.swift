import Foundation
import KubeRuntime
import Prometheus
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct EndpointTests {
    @Test func metricsHealthAndReadiness() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let queue = WorkQueue<String, ManualClock>(name: "endpoint-test", clock: ManualClock(), metricsFactory: factory)
        await queue.add("a")
        await queue.add("b")
        await queue.addRateLimited("c")  // delayed: counted as a retry now, as an add when it comes due

        let ready = Mutex(false)
        let port = Signal<Int>()
        let endpoints = OperatorEndpoints(host: "127.0.0.1", port: 0, registry: registry,
                                          readiness: { ready.withLock { $0 } ? (true, "ok") : (false, "caches not synced") },
                                          onListening: { port.send($0) })
        let running = RunningService(endpoints)
        let bound = try #require(await port.first { _ in true })
        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(bound)\(path)")!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let (metricsStatus, metrics) = try await get("/metrics")
        #expect(metricsStatus == 200)
        #expect(metrics.contains(#"workqueue_adds_total{name="endpoint-test"} 2"#))
        #expect(metrics.contains(#"workqueue_retries_total{name="endpoint-test"} 1"#))
        #expect(try await get("/healthz").0 == 200)
        #expect(try await get("/readyz") == (503, "caches not synced"))
        ready.withLock { $0 = true }
        #expect(try await get("/readyz").0 == 200)
        await running.stop()
    }
}
