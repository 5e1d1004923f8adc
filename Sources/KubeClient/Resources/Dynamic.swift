/// An object of any kind, as untyped JSON: for CRDs we do not own (HTTPRoute, VirtualService, ...).
///
/// Use it with `Api(client, dynamic: ResourceType(...))`; every field the server sent is kept.
public struct DynamicObject: KubeResource, Hashable {
    /// Placeholder: a dynamic `Api` always carries its own `ResourceType`.
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "", plural: "", namespaced: true)
    public var json: JSONValue
    public var raw: JSONValue? {
        get { json }
        set { if let newValue { json = newValue } }
    }

    public init(_ json: JSONValue) { self.json = json }

    public var metadata: ObjectMeta {
        get { (try? json["metadata"]?.decode(as: ObjectMeta.self)) ?? ObjectMeta() }
        set { json["metadata"] = try? JSONValue(encoding: newValue) }
    }

    public subscript(path path: String...) -> JSONValue? {
        get { json[path: path] }
        set { json[path: path] = newValue }
    }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// `apiextensions.k8s.io/v1.CustomResourceDefinition`; the schema is kept as JSON.
public struct CustomResourceDefinition: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                                                  plural: "customresourcedefinitions", namespaced: false)
    public struct Names: Codable, Sendable, Hashable {
        public var plural: String
        public var singular: String?
        public var kind: String
        public var listKind: String?
        public var shortNames: [String]?
        public var categories: [String]?
        public init(plural: String, singular: String? = nil, kind: String) {
            self.plural = plural
            self.singular = singular
            self.kind = kind
        }
    }
    public struct Version: Codable, Sendable, Hashable {
        public var name: String
        public var served: Bool
        public var storage: Bool
        public var schema: JSONValue?
        public var subresources: JSONValue?
        public var additionalPrinterColumns: [JSONValue]?
        public init(name: String, served: Bool = true, storage: Bool = true) {
            self.name = name
            self.served = served
            self.storage = storage
        }
    }
    public struct Spec: Codable, Sendable, Hashable {
        public var group: String
        public var names: Names
        public var scope: String
        public var versions: [Version]
        public init(group: String, names: Names, scope: String, versions: [Version]) {
            self.group = group
            self.names = names
            self.scope = scope
            self.versions = versions
        }
    }
    public var apiVersion = "apiextensions.k8s.io/v1"
    public var kind = "CustomResourceDefinition"
    public var metadata = ObjectMeta()
    public var spec: Spec
    public var status: JSONValue?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(Spec.self, forKey: .spec)
        status = try c.decodeIfPresent(JSONValue.self, forKey: .status)
    }

    /// The resource type of the storage version (or the first served one).
    public var storedResourceType: ResourceType? {
        guard let version = spec.versions.first(where: \.storage) ?? spec.versions.first else { return nil }
        return ResourceType(group: spec.group, version: version.name, kind: spec.names.kind, plural: spec.names.plural,
                            namespaced: spec.scope == "Namespaced")
    }
}
