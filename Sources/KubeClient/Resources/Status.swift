/// `metav1.Status`: the body of every API error.
public struct APIStatus: Codable, Sendable, Hashable {
    public struct Cause: Codable, Sendable, Hashable {
        public var reason: String?
        public var message: String?
        public var field: String?
        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }
    public struct Details: Codable, Sendable, Hashable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
        public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause]? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.causes = causes
        }
    }
    public var apiVersion = "v1"
    public var kind = "Status"
    public var metadata = ListMeta()
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// Machine-readable reason: NotFound, AlreadyExists, Conflict, Invalid, Expired, ...
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(status: String = "Failure", message: String, reason: String, code: Int, details: Details? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.details = details
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, status, message, reason, details, code }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ListMeta())
        status = try c.decodeIfPresent(String.self, forKey: .status)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        details = try c.decodeIfPresent(Details.self, forKey: .details)
        code = try c.decodeIfPresent(Int.self, forKey: .code)
    }
}

/// A list response (`DeploymentList`, ...).
public struct ObjectList<R: KubeResource>: Sendable {
    public var metadata: ListMeta
    public var items: [R]
    public init(metadata: ListMeta, items: [R]) {
        self.metadata = metadata
        self.items = items
    }
}

/// One event of a watch stream.
public enum WatchEvent<R: KubeResource>: Sendable {
    case added(R)
    case modified(R)
    case deleted(R)
    /// The server's progress marker: the stream is current up to this resourceVersion.
    case bookmark(resourceVersion: String)

    public var object: R? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark: nil
        }
    }
}
