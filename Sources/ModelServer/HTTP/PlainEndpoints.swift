import NIOCore
import Prometheus

/// Health, metadata and metrics: answered on the event loop, no body needed.
struct PlainEndpoints: Sendable {
    let api: InferenceAPI
    let registry: PrometheusCollectorRegistry

    func respond(to route: Route) -> APIResponse {
        switch route {
        case .serverMetadata: return api.serverMetadata()
        case .live: return api.live()
        case .ready: return api.ready()
        case .metrics:
            return APIResponse(headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                               body: ByteBuffer(bytes: registry.emitToBuffer()))
        case .modelMetadata(let name, let version): return api.modelMetadata(name: name, version: version)
        case .modelReady(let name, let version): return api.modelReady(name: name, version: version)
        case .modelStatusV1(let name): return api.modelReady(name: name, version: nil)
        case .inferV2, .predictV1: return .error(InferenceError(.internalError, "inference routes are not plain endpoints"))
        }
    }
}
