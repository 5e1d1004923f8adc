import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Routes the protocols onto Hummingbird (HTTP/1.1 with keep-alive). Hummingbird's own graceful
/// shutdown stops accepting connections and lets in-flight requests finish.
public enum ServerApplication {
    public static func make(
        api: InferenceAPI, registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        addHealthRoutes(router, api: api, registry: registry)
        addV2Routes(router, api: api)
        addV1Routes(router, api: api)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: InferenceAPI.serverName),
                           onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    private static func addHealthRoutes(_ router: Router<BasicRequestContext>, api: InferenceAPI, registry: PrometheusCollectorRegistry) {
        router.get("/v2") { _, _ in api.serverMetadata().hummingbird }
        router.get("/v2/health/live") { _, _ in api.live().hummingbird }
        router.get("/v2/health/ready") { _, _ in api.ready().hummingbird }
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    private static func addV2Routes(_ router: Router<BasicRequestContext>, api: InferenceAPI) {
        for prefix in ["/v2/models/:name", "/v2/models/:name/versions/:version"] {
            router.get(RouterPath(prefix)) { _, context in
                api.modelMetadata(name: try context.parameters.require("name"), version: context.parameters.get("version")).hummingbird
            }
            router.get(RouterPath(prefix + "/ready")) { _, context in
                api.modelReady(name: try context.parameters.require("name"), version: context.parameters.get("version")).hummingbird
            }
            router.post(RouterPath(prefix + "/infer")) { request, context in
                await api.inferV2(name: try context.parameters.require("name"), version: context.parameters.get("version"),
                                  head: request.inferenceHead, body: request.bodyReader).hummingbird
            }
        }
    }

    private static func addV1Routes(_ router: Router<BasicRequestContext>, api: InferenceAPI) {
        router.get("/v1/models/:name") { _, context in
            let name: String = try context.parameters.require("name")
            return api.modelReady(name: name, version: nil).hummingbird
        }
        router.post("/v1/models/:name") { request, context in
            let target: String = try context.parameters.require("name") // "{model}:predict"
            guard target.hasSuffix(":predict") else {
                return APIResponse.error(InferenceError(.notFound, "unknown verb in '\(target)'; the v1 protocol serves :predict")).hummingbird
            }
            return await api.predictV1(name: String(target.dropLast(":predict".count)), head: request.inferenceHead,
                                       body: request.bodyReader).hummingbird
        }
    }
}

extension APIResponse {
    var hummingbird: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: body))
    }
}

extension Request {
    var inferenceHead: InferenceAPI.RequestHead {
        InferenceAPI.RequestHead(
            contentType: headers[.contentType], contentLength: headers[.contentLength].flatMap(Int.init),
            jsonLength: HTTPField.Name("Inference-Header-Content-Length").flatMap { headers[$0] })
    }

    var bodyReader: InferenceAPI.BodyReader {
        let body = self.body
        return { limit in try await body.collect(upTo: limit) }
    }
}

/// Every error leaves as `{"error": "..."}`, including unknown routes and Hummingbird's own errors.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let kind: InferenceError.Kind = error.status == .notFound ? .notFound : error.status == .contentTooLarge ? .payloadTooLarge : .badRequest
            var response = APIResponse.error(InferenceError(kind, error.body ?? "\(error.status.reasonPhrase) (\(request.method) \(request.uri.path))"))
            response.status = error.status.code
            return response.hummingbird
        } catch {
            return APIResponse.error(InferenceError(.internalError, "\(error)")).hummingbird
        }
    }
}
