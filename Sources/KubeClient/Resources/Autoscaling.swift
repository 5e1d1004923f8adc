/// `autoscaling/v2.HorizontalPodAutoscaler`.
public struct HorizontalPodAutoscaler: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler",
                                                  plural: "horizontalpodautoscalers", namespaced: true)
    public var apiVersion = "autoscaling/v2"
    public var kind = "HorizontalPodAutoscaler"
    public var metadata = ObjectMeta()
    public var spec = HPASpec()
    public var status: HPAStatus?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: HPASpec = .init()) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(.spec, default: HPASpec())
        status = try c.decodeIfPresent(HPAStatus.self, forKey: .status)
    }
}

public struct CrossVersionObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String
    public var name: String
    public init(apiVersion: String? = nil, kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}

public struct HPASpec: Codable, Sendable, Hashable {
    public var scaleTargetRef = CrossVersionObjectReference(kind: "", name: "")
    public var minReplicas: Int?
    public var maxReplicas = 1
    /// `MetricSpec` list; kept as JSON since only the resource-utilization form is built.
    public var metrics: [JSONValue]?
    public var behavior: JSONValue?
    public init() {}

    /// A `Resource` metric with an average utilization target ("cpu", 70).
    public static func resourceUtilization(_ resource: String, _ percent: Int) -> JSONValue {
        [
            "type": "Resource",
            "resource": ["name": .string(resource), "target": ["type": "Utilization", "averageUtilization": .int(Int64(percent))]],
        ]
    }
}

public struct HPAStatus: Codable, Sendable, Hashable {
    public var currentReplicas: Int?
    public var desiredReplicas: Int?
    public var lastScaleTime: String?
    public var currentMetrics: [JSONValue]?
    public var conditions: [WorkloadCondition]?
    public init() {}
}

/// `policy/v1.PodDisruptionBudget`.
public struct PodDisruptionBudget: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "policy", version: "v1", kind: "PodDisruptionBudget",
                                                  plural: "poddisruptionbudgets", namespaced: true)
    public struct Spec: Codable, Sendable, Hashable {
        public var minAvailable: IntOrString?
        public var maxUnavailable: IntOrString?
        public var selector: LabelSelectorSpec?
        public init() {}
    }
    public var apiVersion = "policy/v1"
    public var kind = "PodDisruptionBudget"
    public var metadata = ObjectMeta()
    public var spec = Spec()
    public var status: JSONValue?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: Spec = .init()) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(.spec, default: Spec())
        status = try c.decodeIfPresent(JSONValue.self, forKey: .status)
    }
}

/// `coordination.k8s.io/v1.Lease`, used for leader election.
public struct Lease: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "coordination.k8s.io", version: "v1", kind: "Lease",
                                                  plural: "leases", namespaced: true)
    public struct Spec: Codable, Sendable, Hashable {
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int?
        /// MicroTime strings (RFC 3339 with microseconds).
        public var acquireTime: String?
        public var renewTime: String?
        public var leaseTransitions: Int?
        public init() {}
    }
    public var apiVersion = "coordination.k8s.io/v1"
    public var kind = "Lease"
    public var metadata = ObjectMeta()
    public var spec = Spec()
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: Spec = .init()) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(.spec, default: Spec())
    }
}
