public struct DeploymentSpec: Codable, Sendable, Hashable {
    public struct Strategy: Codable, Sendable, Hashable {
        public struct RollingUpdate: Codable, Sendable, Hashable {
            public var maxSurge: IntOrString?
            public var maxUnavailable: IntOrString?
            public init(maxSurge: IntOrString? = nil, maxUnavailable: IntOrString? = nil) {
                self.maxSurge = maxSurge
                self.maxUnavailable = maxUnavailable
            }
        }
        public var type: String?
        public var rollingUpdate: RollingUpdate?
        public init(type: String? = nil, rollingUpdate: RollingUpdate? = nil) {
            self.type = type
            self.rollingUpdate = rollingUpdate
        }
    }
    public var replicas: Int?
    public var selector = LabelSelectorSpec()
    public var template = PodTemplateSpec()
    public var strategy: Strategy?
    public var minReadySeconds: Int?
    public var revisionHistoryLimit: Int?
    public var progressDeadlineSeconds: Int?
    public var paused: Bool?
    public init(replicas: Int? = nil, selector: LabelSelectorSpec = .init(), template: PodTemplateSpec = .init()) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
    }
}

/// Conditions of workloads (`DeploymentCondition`, `JobCondition`...): the older shape with lastUpdateTime.
public struct WorkloadCondition: Codable, Sendable, Hashable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastUpdateTime: String?
    public var lastTransitionTime: String?
    public var lastProbeTime: String?
    public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }
}

public struct DeploymentStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var unavailableReplicas: Int?
    public var conditions: [WorkloadCondition]?
    public init() {}

    public func condition(_ type: String) -> WorkloadCondition? { conditions?.first { $0.type == type } }
}
/// `autoscaling/v1.Scale`, the scale subresource.
public struct Scale: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        public var replicas: Int?
        public init(replicas: Int? = nil) { self.replicas = replicas }
    }
    public struct Status: Codable, Sendable, Hashable {
        public var replicas: Int?
        public var selector: String?
    }
    public var apiVersion = "autoscaling/v1"
    public var kind = "Scale"
    public var metadata = ObjectMeta()
    public var spec = Spec()
    public var status: Status?
    public init(metadata: ObjectMeta = .init(), replicas: Int) {
        self.metadata = metadata
        self.spec = Spec(replicas: replicas)
    }
}
