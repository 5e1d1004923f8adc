import Foundation

public struct ListOptions: Sendable {
    public var labelSelector: LabelSelector?
    public var fieldSelector: FieldSelector?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?

    public init(labelSelector: LabelSelector? = nil, fieldSelector: FieldSelector? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    var query: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(.init(name: "labelSelector", value: labelSelector.description)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector.description)) }
        if let limit { items.append(.init(name: "limit", value: String(limit))) }
        if let continueToken { items.append(.init(name: "continue", value: continueToken)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        return items
    }
}

public struct WatchOptions: Sendable {
    public var labelSelector: LabelSelector?
    public var fieldSelector: FieldSelector?
    /// Start after this version; nil starts from "now" plus synthetic ADDED events for existing objects.
    public var resourceVersion: String?
    /// Server-side end of the watch; the client reconnects after it.
    public var timeoutSeconds: Int
    public var allowBookmarks: Bool

    public init(labelSelector: LabelSelector? = nil, fieldSelector: FieldSelector? = nil, resourceVersion: String? = nil,
                timeoutSeconds: Int = 290, allowBookmarks: Bool = true) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowBookmarks = allowBookmarks
    }

    var query: [URLQueryItem] {
        var items = [URLQueryItem(name: "watch", value: "true"), URLQueryItem(name: "timeoutSeconds", value: String(timeoutSeconds))]
        if allowBookmarks { items.append(.init(name: "allowWatchBookmarks", value: "true")) }
        if let labelSelector, !labelSelector.isEmpty { items.append(.init(name: "labelSelector", value: labelSelector.description)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector.description)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        return items
    }
}

/// Options for create, replace and patch.
public struct WriteOptions: Sendable {
    public var dryRun: Bool
    public var fieldManager: String?
    /// "Strict", "Warn" or "Ignore".
    public var fieldValidation: String?
    public init(dryRun: Bool = false, fieldManager: String? = nil, fieldValidation: String? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }

    var query: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if dryRun { items.append(.init(name: "dryRun", value: "All")) }
        if let fieldManager { items.append(.init(name: "fieldManager", value: fieldManager)) }
        if let fieldValidation { items.append(.init(name: "fieldValidation", value: fieldValidation)) }
        return items
    }
}

public enum PropagationPolicy: String, Sendable, Codable {
    case background = "Background", foreground = "Foreground", orphan = "Orphan"
}

public struct DeleteOptions: Sendable, Encodable {
    public struct Preconditions: Sendable, Encodable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }
    public var apiVersion = "v1"
    public var kind = "DeleteOptions"
    public var propagationPolicy: PropagationPolicy?
    public var preconditions: Preconditions?
    public var gracePeriodSeconds: Int?
    public var dryRun: [String]?

    public init(propagationPolicy: PropagationPolicy? = nil, preconditions: Preconditions? = nil,
                gracePeriodSeconds: Int? = nil) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// The patch formats the API server accepts.
public enum Patch: Sendable {
    /// RFC 7386 JSON merge patch.
    case merge(JSONValue)
    /// RFC 6902 JSON patch.
    case json([JSONPatchOperation])
    /// Kubernetes strategic merge patch (built-in kinds only).
    case strategic(JSONValue)
    /// Server-side apply of a full intent object.
    case apply(JSONValue, force: Bool = false)

    var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategic: "application/strategic-merge-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }

    func body() throws(KubeError) -> Data {
        switch self {
        case .merge(let value), .strategic(let value), .apply(let value, _):
            return value.encoded()
        case .json(let operations):
            do { return try KubeJSON.encoder.encode(operations) } catch { throw .decoding("cannot encode JSON patch: \(error)") }
        }
    }
}
