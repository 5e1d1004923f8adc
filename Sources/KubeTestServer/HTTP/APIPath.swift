/// A request path of the Kubernetes REST API, taken apart.
struct APIPath: Equatable {
    var group: String
    var version: String
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?
    /// The legacy `/watch/` path prefix.
    var legacyWatch = false

    /// Parses `/api/v1/...` and `/apis/<group>/<version>/...`; nil for anything else.
    init?(_ path: String) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let root = segments.first else { return nil }
        switch root {
        case "api":
            guard segments.count >= 3 else { return nil }
            group = ""
            version = segments[1]
            segments.removeFirst(2)
        case "apis":
            guard segments.count >= 4 else { return nil }
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        default:
            return nil
        }
        if segments.first == "watch" {
            legacyWatch = true
            segments.removeFirst()
        }
        // /namespaces/{ns}/{plural}/... versus the namespaces resource itself (/namespaces/{name}[/status]).
        if segments.first == "namespaces", segments.count >= 3, !["status", "finalize"].contains(segments[2]) {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        guard let plural = segments.first, segments.count <= 3 else { return nil }
        self.plural = plural
        name = segments.count > 1 ? segments[1] : nil
        subresource = segments.count > 2 ? segments[2] : nil
    }
}
