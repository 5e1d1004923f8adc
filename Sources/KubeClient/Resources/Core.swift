public struct ConfigMap: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true)
    public var apiVersion = "v1"
    public var kind = "ConfigMap"
    public var metadata = ObjectMeta()
    public var data: [String: String]?
    public var binaryData: [String: String]?
    public var immutable: Bool?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, data, binaryData, immutable }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        data = try c.decodeIfPresent([String: String].self, forKey: .data)
        binaryData = try c.decodeIfPresent([String: String].self, forKey: .binaryData)
        immutable = try c.decodeIfPresent(Bool.self, forKey: .immutable)
    }
}

/// `core/v1.Secret`; `data` values are base64, as on the wire.
public struct Secret: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true)
    public var apiVersion = "v1"
    public var kind = "Secret"
    public var metadata = ObjectMeta()
    public var type: String?
    public var data: [String: String]?
    public var stringData: [String: String]?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), stringData: [String: String]? = nil) {
        self.metadata = metadata
        self.stringData = stringData
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, type, data, stringData }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        type = try c.decodeIfPresent(String.self, forKey: .type)
        data = try c.decodeIfPresent([String: String].self, forKey: .data)
        stringData = try c.decodeIfPresent([String: String].self, forKey: .stringData)
    }
}

public struct ServiceAccount: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true)
    public var apiVersion = "v1"
    public var kind = "ServiceAccount"
    public var metadata = ObjectMeta()
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init()) { self.metadata = metadata }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
    }
}
public struct ServiceSpec: Codable, Sendable, Hashable {
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var targetPort: IntOrString?
        public var `protocol`: String?
        public var nodePort: Int?
        public var appProtocol: String?
        public init(name: String? = nil, port: Int, targetPort: IntOrString? = nil, protocol: String? = nil) {
            self.name = name
            self.port = port
            self.targetPort = targetPort
            self.protocol = `protocol`
        }
    }
    public var type: String?
    public var selector: [String: String]?
    public var ports: [Port]?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var sessionAffinity: String?
    public init(selector: [String: String]? = nil, ports: [Port]? = nil) {
        self.selector = selector
        self.ports = ports
    }
}

public struct PodStatus: Codable, Sendable, Hashable {
    public struct PodCondition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
    }
    public var phase: String?
    public var conditions: [PodCondition]?
    public var podIP: String?
    public var hostIP: String?
    public var startTime: String?
    public var containerStatuses: [JSONValue]?
    public var message: String?
    public var reason: String?
    public init() {}
}

