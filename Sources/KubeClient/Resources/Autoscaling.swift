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


public struct PodDisruptionBudgetSpec: Codable, Sendable, Hashable {
    public var minAvailable: IntOrString?
    public var maxUnavailable: IntOrString?
    public var selector: LabelSelectorSpec?
    public init() {}
}

public struct LeaseSpec: Codable, Sendable, Hashable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    /// MicroTime strings (RFC 3339 with microseconds).
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int?
    public init() {}
}
