import Foundation
import KubeClient

/// An error answer of the API server, rendered as a `Status` object.
public struct APIError: Error, Sendable {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: APIStatus.Details?
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, details: APIStatus.Details? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var status: APIStatus {
        var status = APIStatus(message: message, reason: reason, code: code, details: details)
        if let retryAfterSeconds {
            status.details = status.details ?? APIStatus.Details()
            status.details?.retryAfterSeconds = retryAfterSeconds
        }
        return status
    }

    static func notFound(_ resource: ServedResource, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.key) \"\(name)\" not found",
                 details: .init(name: name, group: resource.group, kind: resource.plural))
    }

    static func alreadyExists(_ resource: ServedResource, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.key) \"\(name)\" already exists",
                 details: .init(name: name, group: resource.group, kind: resource.plural))
    }

    static func conflict(_ resource: ServedResource, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.key) \"\(name)\": the object has been modified; "
                     + "please apply your changes to the latest version and try again",
                 details: .init(name: name, group: resource.group, kind: resource.plural))
    }

    static func invalid(_ resource: ServedResource, _ name: String, causes: [APIStatus.Cause]) -> APIError {
        let summary = causes.map { "\($0.field ?? ""): \($0.message ?? "")" }.joined(separator: ", ")
        return APIError(code: 422, reason: "Invalid", message: "\(resource.kind).\(resource.group.isEmpty ? "" : resource.group) \"\(name)\" is invalid: [\(summary)]"
                            .replacingOccurrences(of: ". \"", with: " \""),
                        details: .init(name: name, group: resource.group, kind: resource.kind, causes: causes))
    }

    /// 422 for a bad query option, as kube-apiserver validates PatchOptions.
    static func invalidOptions(_ field: String, _ detail: String, reason: String = "FieldValueForbidden") -> APIError {
        APIError(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: \(field): \(detail)",
                 details: .init(name: "", group: "meta.k8s.io", kind: "PatchOptions",
                                causes: [.init(reason: reason, message: detail, field: field)]))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func methodNotAllowed(_ message: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }
}

extension APIStatus.Cause {
    static func required(_ field: String) -> Self {
        .init(reason: "FieldValueRequired", message: "Required value", field: field)
    }
    static func invalid(_ field: String, _ message: String) -> Self {
        .init(reason: "FieldValueInvalid", message: message, field: field)
    }
}
