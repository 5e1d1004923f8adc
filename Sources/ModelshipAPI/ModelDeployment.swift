import KubeClient

/// `modelship.dev/v1alpha1` `ModelDeployment`: a model served by modelship-server. See
/// `crds/modelship.dev_modeldeployments.yaml` and `docs/api-reference.md` for every field.
public struct ModelDeployment: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "modelship.dev", version: "v1alpha1", kind: "ModelDeployment",
                                                  plural: "modeldeployments", namespaced: true)
    public var apiVersion = "modelship.dev/v1alpha1"
    public var kind = "ModelDeployment"
    public var metadata = ObjectMeta()
    public var spec: ModelDeploymentSpec
    public var status: ModelDeploymentStatus?
    public var raw: JSONValue?

    public init(metadata: ObjectMeta = .init(), spec: ModelDeploymentSpec) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decode(ModelDeploymentSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(ModelDeploymentStatus.self, forKey: .status)
    }
}

public struct ModelDeploymentSpec: Codable, Sendable, Hashable {
    public var model: ModelSource
    public var server: ServerSpec?
    public var nodePool: NodePool?
    public var scaling: Scaling?
    public var rollout: Rollout?
    public var networkPolicy: NetworkPolicySettings?

    public init(model: ModelSource, server: ServerSpec? = nil, nodePool: NodePool? = nil, scaling: Scaling? = nil,
                rollout: Rollout? = nil, networkPolicy: NetworkPolicySettings? = nil) {
        self.model = model
        self.server = server
        self.nodePool = nodePool
        self.scaling = scaling
        self.rollout = rollout
        self.networkPolicy = networkPolicy
    }
}

public struct ModelSource: Codable, Sendable, Hashable {
    public var uri: String
    public var format: String?
    public var version: String
    public var sha256: String?
    public var storageSecretRef: LocalObjectReference?

    public init(uri: String, version: String, format: String? = nil, sha256: String? = nil,
                storageSecretRef: LocalObjectReference? = nil) {
        self.uri = uri
        self.version = version
        self.format = format
        self.sha256 = sha256
        self.storageSecretRef = storageSecretRef
    }
}

public struct ServerSpec: Codable, Sendable, Hashable {
    public struct GPU: Codable, Sendable, Hashable {
        public var count: Int
        public var resourceName: String?
        public init(count: Int, resourceName: String? = nil) {
            self.count = count
            self.resourceName = resourceName
        }
    }
    public struct Batching: Codable, Sendable, Hashable {
        public var maxBatchSize: Int?
        public var maxDelay: String?
        public init(maxBatchSize: Int? = nil, maxDelay: String? = nil) {
            self.maxBatchSize = maxBatchSize
            self.maxDelay = maxDelay
        }
    }
    public var image: String?
    public var imagePullPolicy: String?
    public var resources: ResourceRequirements?
    public var gpu: GPU?
    public var batching: Batching?
    public var threads: Int?
    public var env: [EnvVar]?
    public var args: [String]?
    public init() {}
}

public struct NodePool: Codable, Sendable, Hashable {
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var affinity: JSONValue?
    public init(nodeSelector: [String: String]? = nil, tolerations: [Toleration]? = nil, affinity: JSONValue? = nil) {
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
    }
}

public struct Scaling: Codable, Sendable, Hashable {
    public struct Autoscaling: Codable, Sendable, Hashable {
        public var minReplicas: Int?
        public var maxReplicas: Int
        public var targetCPUUtilization: Int?
        public var targetMemoryUtilization: Int?
        public var behavior: JSONValue?
        public init(minReplicas: Int? = nil, maxReplicas: Int, targetCPUUtilization: Int? = nil,
                    targetMemoryUtilization: Int? = nil) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.targetCPUUtilization = targetCPUUtilization
            self.targetMemoryUtilization = targetMemoryUtilization
        }
    }
    public var replicas: Int?
    public var autoscaling: Autoscaling?
    public init(replicas: Int? = nil, autoscaling: Autoscaling? = nil) {
        self.replicas = replicas
        self.autoscaling = autoscaling
    }
}

public struct Rollout: Codable, Sendable, Hashable {
    public var strategy: String?
    public var rollingUpdate: DeploymentSpec.Strategy.RollingUpdate?
    public var progressDeadlineSeconds: Int?
    public init() {}
}

/// Who may reach the model servers; absent, no NetworkPolicy is made.
public struct NetworkPolicySettings: Codable, Sendable, Hashable {
    public typealias Peer = NetworkPolicySpec.Peer
    /// Callers of the model; empty admits only Prometheus.
    public var from: [Peer]
    /// Scrapers of the metrics; nil means `defaultPrometheus`.
    public var prometheus: [Peer]?

    public init(from: [Peer], prometheus: [Peer]? = nil) {
        self.from = from
        self.prometheus = prometheus
    }

    /// Prometheus as kube-prometheus-stack and the Prometheus Operator label it, in any namespace.
    public static let defaultPrometheus = [Peer(podSelector: LabelSelectorSpec(matchLabels: ["app.kubernetes.io/name": "prometheus"]),
                                                namespaceSelector: LabelSelectorSpec())]
}

public struct ModelDeploymentStatus: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable { case pending = "Pending", progressing = "Progressing", healthy = "Healthy",
                                                        degraded = "Degraded", failed = "Failed" }
    public struct Stable: Codable, Sendable, Hashable {
        public var modelVersion: String?
        public var modelURI: String?
        public var revision: String?
        public init(modelVersion: String? = nil, modelURI: String? = nil, revision: String? = nil) {
            self.modelVersion = modelVersion
            self.modelURI = modelURI
            self.revision = revision
        }
    }
    public var observedGeneration: Int64?
    public var phase: Phase?
    public var message: String?
    public var conditions: [Condition]?
    public var stable: Stable?
    public var replicas: Int?
    public var readyReplicas: Int?
    public var selector: String?
    public var endpoint: String?
    public init() {}

    public func condition(_ type: String) -> Condition? { conditions?.first { $0.type == type } }
}
