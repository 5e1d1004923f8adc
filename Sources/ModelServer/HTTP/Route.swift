/// The server's endpoints, matched from method and path.
enum Route: Equatable {
    case serverMetadata, live, ready, metrics
    case modelMetadata(name: String, version: String?)
    case modelReady(name: String, version: String?)
    case inferV2(name: String, version: String?)
    case modelStatusV1(name: String)
    case predictV1(name: String)

    enum Miss: Error, Equatable {
        case notFound
        case methodNotAllowed(allowed: String)
    }

    static func match(method: String, uri: String) -> Result<Route, Miss> {
        let path = uri.split(separator: "?", maxSplits: 1).first ?? ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let (route, allowed) = resolve(parts) else { return .failure(.notFound) }
        return method == allowed ? .success(route) : .failure(.methodNotAllowed(allowed: allowed))
    }

    private static func resolve(_ parts: [String]) -> (Route, String)? {
        switch parts.count {
        case 1 where parts == ["v2"]: return (.serverMetadata, "GET")
        case 1 where parts == ["metrics"]: return (.metrics, "GET")
        case 3 where parts[0] == "v2" && parts[1] == "health" && parts[2] == "live": return (.live, "GET")
        case 3 where parts[0] == "v2" && parts[1] == "health" && parts[2] == "ready": return (.ready, "GET")
        case 3 where parts[0] == "v1" && parts[1] == "models":
            if parts[2].hasSuffix(":predict") { return (.predictV1(name: String(parts[2].dropLast(":predict".count))), "POST") }
            return parts[2].contains(":") ? nil : (.modelStatusV1(name: parts[2]), "GET")
        default: return modelRoute(parts)
        }
    }

    /// /v2/models/{name}[/versions/{version}][/ready|/infer]
    private static func modelRoute(_ parts: [String]) -> (Route, String)? {
        guard parts.count >= 3, parts[0] == "v2", parts[1] == "models" else { return nil }
        let name = parts[2]
        var rest = parts.dropFirst(3)
        var version: String?
        if rest.first == "versions" {
            guard rest.count >= 2 else { return nil }
            version = rest.dropFirst().first
            rest = rest.dropFirst(2)
        }
        switch Array(rest) {
        case []: return (.modelMetadata(name: name, version: version), "GET")
        case ["ready"]: return (.modelReady(name: name, version: version), "GET")
        case ["infer"]: return (.inferV2(name: name, version: version), "POST")
        default: return nil
        }
    }
}
