/// Where a kind lives in the API: enough to build its URLs.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    public var version: String
    public var kind: String
    /// Lower-case plural used in URLs ("deployments").
    public var plural: String
    public var namespaced: Bool

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// "apps/v1", or "v1" for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// "/api/v1" or "/apis/apps/v1".
    public var basePath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// A typed Kubernetes object that `Api` can read and write.
///
/// `raw` holds the object exactly as the server last sent it, so that a replace
/// (PUT) of an edited typed value keeps the fields the model has no property for.
public protocol KubeResource: Codable, Sendable {
    static var resourceType: ResourceType { get }
    var metadata: ObjectMeta { get set }
    var raw: JSONValue? { get set }
}

extension KubeResource {
    public var name: String { metadata.name ?? "" }
    public var namespace: String? { metadata.namespace }

    /// The object as JSON, with unknown fields from `raw` kept and only the typed edits applied.
    public func jsonPreservingUnknownFields() throws -> JSONValue {
        var typed = self
        typed.raw = nil
        let edited = try JSONValue(encoding: typed)
        guard let raw else { return edited }
        let known = try JSONValue(encoding: try raw.decode(as: Self.self))
        return FieldPreservation.merge(raw: raw, known: known, edited: edited)
    }

    /// Decodes a typed object and remembers its raw JSON.
    public static func decodeKeepingRaw(_ json: JSONValue) throws -> Self {
        var object = try json.decode(as: Self.self)
        object.raw = json
        return object
    }
}

/// Shorthand for decoding resource fields that Kubernetes may omit.
extension KeyedDecodingContainer {
    func decode<T: Decodable>(_ key: Key, default defaultValue: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? defaultValue()
    }
}
