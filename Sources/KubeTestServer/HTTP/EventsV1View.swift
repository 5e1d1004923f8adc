import Foundation
import KubeClient

/// core/v1 Event and events.k8s.io/v1 Event are one resource served in two versions, as in kube-apiserver: an
/// events.k8s.io request is answered by the core resource, its body, patch, field selector and answer converted
/// field by field (the v1 API renamed fields: involvedObject is `regarding`, message is `note`, count is
/// `deprecatedCount`, and so on).
enum EventsV1View {
    static let group = "events.k8s.io"
    static let apiVersion = "events.k8s.io/v1"

    /// core name -> events.k8s.io/v1 name.
    static let renames: [(core: String, v1: String)] = [
        ("involvedObject", "regarding"), ("message", "note"), ("count", "deprecatedCount"),
        ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"),
        ("source", "deprecatedSource"), ("reportingComponent", "reportingController"),
    ]

    static func applies(to path: APIPath) -> Bool { path.group == group && path.plural == "events" }

    /// The same request against /api/v1.
    static func coreRequest(_ request: APIRequest) throws(APIError) -> APIRequest {
        var core = request
        core.path = "/api/v1" + request.path.dropFirst("/apis/\(group)/v1".count)
        if let selector = request.query["fieldSelector"] {
            core.query["fieldSelector"] = selector.split(separator: ",").map { term in
                var text = String(term)
                for (coreName, v1Name) in renames where text.hasPrefix(v1Name + ".") || text.hasPrefix(v1Name + "=")
                    || text.hasPrefix(v1Name + "!") {
                    text = coreName + text.dropFirst(v1Name.count)
                }
                return text
            }.joined(separator: ",")
        }
        guard !request.body.isEmpty else { return core }
        let document: JSONValue
        if request.mediaType == APIRequest.applyPatchType {
            document = try request.applyBody()
        } else {
            guard let decoded = try? JSONValue.decode(request.body) else { return core }
            document = decoded
        }
        core.body = Array(toCore(document).encoded())
        if request.mediaType == APIRequest.applyPatchType { core.headers["content-type"] = APIRequest.applyPatchType }
        return core
    }

    /// An events.k8s.io object, partial object (merge or apply patch) or JSON patch, in core names.
    static func toCore(_ value: JSONValue) -> JSONValue {
        if case .array(let operations) = value {
            return .array(operations.map { operation in
                var renamed = operation
                for field in ["path", "from"] {
                    guard let path = operation[field]?.stringValue else { continue }
                    renamed[field] = .string(renamePath(path, from: \.v1, to: \.core))
                }
                return renamed
            })
        }
        return rename(value, from: \.v1, to: \.core, apiVersion: "v1")
    }

    /// A core answer (object, list, Table or Status) as events.k8s.io/v1 shows it.
    static func toV1(_ value: JSONValue) -> JSONValue {
        switch value["kind"]?.stringValue {
        case "Event": return rename(value, from: \.core, to: \.v1, apiVersion: apiVersion)
        case "EventList":
            var list = value
            list["apiVersion"] = .string(apiVersion)
            list["items"] = .array((value["items"]?.arrayValue ?? []).map(toV1))
            return list
        case "Table":
            var table = value
            table["rows"] = .array((value["rows"]?.arrayValue ?? []).map { row in
                var converted = row
                if let object = row["object"], object["kind"] == "Event" { converted["object"] = toV1(object) }
                return converted
            })
            return table
        default:
            return value
        }
    }

    static func toV1(_ message: WatchMessage) -> WatchMessage {
        guard case .change(let type, let object) = message else { return message }
        return .change(type: type, object: toV1(object))
    }

    private static func rename(_ value: JSONValue, from: KeyPath<(core: String, v1: String), String>,
                               to: KeyPath<(core: String, v1: String), String>, apiVersion: String) -> JSONValue {
        guard case .object(var fields) = value else { return value }
        for pair in renames {
            if let field = fields.removeValue(forKey: pair[keyPath: from]) { fields[pair[keyPath: to]] = field }
        }
        if fields["apiVersion"] != nil { fields["apiVersion"] = .string(apiVersion) }
        return .object(fields)
    }

    private static func renamePath(_ path: String, from: KeyPath<(core: String, v1: String), String>,
                                   to: KeyPath<(core: String, v1: String), String>) -> String {
        for pair in renames {
            let prefix = "/" + pair[keyPath: from]
            if path == prefix || path.hasPrefix(prefix + "/") { return "/" + pair[keyPath: to] + path.dropFirst(prefix.count) }
        }
        return path
    }
}
