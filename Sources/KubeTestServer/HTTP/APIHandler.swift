import Foundation
import KubeClient
import Logging

/// The REST API: routes a request to discovery, to a kind's verbs, or to the admin endpoints.
struct APIHandler: Sendable {
    let store: ClusterStore
    let faults: FaultInjector
    let accessLog: AccessLog
    let simulation: SimulationAdmin
    let kubelet: LocalKubelet?
    let token: String?
    let address: String
    let bookmarkInterval: Duration
    let logger: Logger

    func handle(_ request: APIRequest) async -> APIResponse {
        if let token, request.header("authorization") != "Bearer \(token)", !isHealth(request.path) {
            return .error(APIError(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        }
        do {
            return try await route(request)
        } catch {
            return .error(error)
        }
    }

    func isHealth(_ path: String) -> Bool { ["/healthz", "/readyz", "/livez"].contains(path) }

    func route(_ request: APIRequest) async throws(APIError) -> APIResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        switch path {
        case "/healthz", "/readyz", "/livez": return APIResponse(status: 200, body: .string("ok"))
        case "/version": return .json(DiscoveryDocuments.version())
        case "/api": return .json(DiscoveryDocuments.coreVersions(address: address))
        case "/apis": return .json(DiscoveryDocuments.groups(store.servedResources()))
        case "/__admin/faults": return try admin(request)
        case "/__admin/access": return try access(request)
        case "/__admin/simulation": return try simulation.handle(request)
        case "/openapi/v3": return .json(OpenAPIDocuments.index(store.servedResources()))
        default: break
        }
        if path.hasPrefix("/openapi/v3/") {
            let groupVersion = String(path.dropFirst("/openapi/v3/".count))
            guard let document = OpenAPIDocuments.document(groupVersionPath: groupVersion, store.servedResources()) else {
                throw notFound(path)
            }
            return .json(document)
        }
        let segments = path.split(separator: "/").map(String.init)
        if segments.count == 2, segments[0] == "api" {
            return try discoveryList(group: "", version: segments[1])
        }
        if segments.count == 2, segments[0] == "apis" {
            guard let document = DiscoveryDocuments.group(segments[1], store.servedResources()) else { throw notFound(path) }
            return .json(document)
        }
        if segments.count == 3, segments[0] == "apis" {
            return try discoveryList(group: segments[1], version: segments[2])
        }
        guard let apiPath = APIPath(path) else { throw notFound(path) }
        if EventsV1View.applies(to: apiPath) {
            let core = try EventsV1View.coreRequest(request)
            var response = try await route(core)
            response.body = response.body.map(EventsV1View.toV1)
            if var watch = response.watch {
                let encode = watch.encode
                watch.encode = { encode(EventsV1View.toV1($0)) }
                response.watch = watch
            }
            return response
        }
        if apiPath.group.isEmpty, apiPath.plural == "pods", apiPath.subresource == "log", let namespace = apiPath.namespace, let name = apiPath.name {
            return try await PodLogs(store: store, kubelet: kubelet, request: request, namespace: namespace, name: name).respond()
        }
        guard let resource = store.resource(group: apiPath.group, version: apiPath.version, plural: apiPath.plural) else {
            throw notFound(path)
        }
        return try await ObjectEndpoints(handler: self, resource: resource, path: apiPath, request: request).respond()
    }

    func discoveryList(group: String, version: String) throws(APIError) -> APIResponse {
        guard let list = DiscoveryDocuments.resourceList(group: group, version: version, store.servedResources()) else {
            throw notFound(group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)")
        }
        return .json(list)
    }

    func notFound(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: .init(name: path))
    }

    /// `/__admin/access`: GET lists every distinct (user agent, verb, group, resource, namespace) seen; DELETE forgets them.
    func access(_ request: APIRequest) throws(APIError) -> APIResponse {
        switch request.method {
        case "GET":
            let sorted = accessLog.all().sorted { "\($0)" < "\($1)" }
            return .json(.array(sorted.compactMap { try? JSONValue(encoding: $0) }))
        case "DELETE":
            accessLog.clear()
            return .json(["status": "cleared"])
        default:
            throw APIError.methodNotAllowed("method \(request.method) not allowed on /__admin/access")
        }
    }

    /// `/__admin/faults`: GET lists request counts; POST adds a rule (or `{"unavailableSeconds": n}`); DELETE clears.
    func admin(_ request: APIRequest) throws(APIError) -> APIResponse {
        switch request.method {
        case "GET":
            return .json(.object(faults.requestCounts().mapValues { .int(Int64($0)) }))
        case "DELETE":
            faults.clear()
            faults.resetCounts()
            return .json(["status": "cleared"])
        case "POST":
            let body = try request.jsonBody()
            if let seconds = body["unavailableSeconds"]?.intValue {
                faults.makeUnavailable(for: .seconds(seconds))
            } else if body["dropWatches"]?.boolValue == true {
                store.dropAllWatches()
            } else if let capacity = body["historyCapacity"]?.intValue {
                store.setHistoryCapacity(Int(capacity))
            } else {
                do { faults.add(try body.decode(as: FaultInjector.Rule.self)) } catch {
                    throw APIError.badRequest("invalid fault rule: \(error)")
                }
            }
            return .json(["status": "ok"], status: 201)
        default:
            throw APIError.methodNotAllowed("method \(request.method) not allowed on /__admin/faults")
        }
    }
}
