/// What sets one kind of object apart from another: where it lives in the API, and its spec and status types.
public protocol ObjectKind: Sendable {
    associatedtype Spec: Codable & Sendable & Hashable
    associatedtype Status: Codable & Sendable & Hashable
    static var resourceType: ResourceType { get }
    /// The spec of an object the server sent without one.
    static var emptySpec: Spec { get }
}

/// A Kubernetes object of the usual shape (apiVersion, kind, metadata, spec, status), for any kind: the
/// one place where decoding defaults and encoding live. Fields the types do not model are kept in `raw`
/// (see `KubeResource.jsonPreservingUnknownFields`), so a typed edit never drops them.
public struct KubeObject<Kind: ObjectKind>: KubeResource, Hashable {
    public typealias Spec = Kind.Spec
    public typealias Status = Kind.Status
    public static var resourceType: ResourceType { Kind.resourceType }

    public var apiVersion: String = Kind.resourceType.apiVersion
    public var kind: String = Kind.resourceType.kind
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?
    public var raw: JSONValue?

    public init(metadata: ObjectMeta = .init(), spec: Spec = Kind.emptySpec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decode(.apiVersion, default: Kind.resourceType.apiVersion)
        kind = try container.decode(.kind, default: Kind.resourceType.kind)
        metadata = try container.decode(.metadata, default: ObjectMeta())
        spec = try container.decode(.spec, default: Kind.emptySpec)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiVersion, forKey: .apiVersion)
        try container.encode(kind, forKey: .kind)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

// The built-in kinds the operator and the embedded control plane use.

public enum DeploymentKind: ObjectKind {
    public static let resourceType = ResourceType(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)
    public static var emptySpec: DeploymentSpec { DeploymentSpec() }
    public typealias Status = DeploymentStatus
}
public typealias Deployment = KubeObject<DeploymentKind>

/// Specs and statuses the operator only reads or never touches stay JSON.
public enum ReplicaSetKind: ObjectKind {
    public static let resourceType = ResourceType(group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true)
    public static var emptySpec: JSONValue { [:] }
    public typealias Status = JSONValue
}
public typealias ReplicaSet = KubeObject<ReplicaSetKind>

public enum NamespaceKind: ObjectKind {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)
    public static var emptySpec: JSONValue { [:] }
    public typealias Status = JSONValue
}
public typealias Namespace = KubeObject<NamespaceKind>

extension KubeObject where Kind == NamespaceKind {
    public init(name: String) { self.init(metadata: ObjectMeta(name: name)) }
}

public enum ServiceKind: ObjectKind {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true)
    public static var emptySpec: ServiceSpec { ServiceSpec() }
    public typealias Status = JSONValue
}
public typealias Service = KubeObject<ServiceKind>
/// `Service` under a name that cannot clash with swift-service-lifecycle's `Service` protocol.
public typealias KubeService = Service

/// `core/v1.Pod`, read by the operator (never written).
public enum PodKind: ObjectKind {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)
    public static var emptySpec: PodSpec { PodSpec() }
    public typealias Status = PodStatus
}
public typealias Pod = KubeObject<PodKind>

/// `autoscaling/v2.HorizontalPodAutoscaler`.
public enum HorizontalPodAutoscalerKind: ObjectKind {
    public static let resourceType = ResourceType(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler",
                                                  plural: "horizontalpodautoscalers", namespaced: true)
    public static var emptySpec: HPASpec { HPASpec() }
    public typealias Status = HPAStatus
}
public typealias HorizontalPodAutoscaler = KubeObject<HorizontalPodAutoscalerKind>

/// `policy/v1.PodDisruptionBudget`.
public enum PodDisruptionBudgetKind: ObjectKind {
    public static let resourceType = ResourceType(group: "policy", version: "v1", kind: "PodDisruptionBudget",
                                                  plural: "poddisruptionbudgets", namespaced: true)
    public static var emptySpec: PodDisruptionBudgetSpec { PodDisruptionBudgetSpec() }
    public typealias Status = JSONValue
}
public typealias PodDisruptionBudget = KubeObject<PodDisruptionBudgetKind>

/// `coordination.k8s.io/v1.Lease`, used for leader election (it has no status).
public enum LeaseKind: ObjectKind {
    public static let resourceType = ResourceType(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true)
    public static var emptySpec: LeaseSpec { LeaseSpec() }
    public typealias Status = JSONValue
}
public typealias Lease = KubeObject<LeaseKind>

public enum JobKind: ObjectKind {
    public static let resourceType = ResourceType(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
    public static var emptySpec: JobSpec { JobSpec() }
    public typealias Status = JobStatus
}
public typealias Job = KubeObject<JobKind>

public enum CronJobKind: ObjectKind {
    public static let resourceType = ResourceType(group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true)
    public static var emptySpec: CronJobSpec { CronJobSpec() }
    public typealias Status = CronJobStatus
}
public typealias CronJob = KubeObject<CronJobKind>

/// `networking.k8s.io/v1.NetworkPolicy`.
public enum NetworkPolicyKind: ObjectKind {
    public static let resourceType = ResourceType(group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy",
                                                  plural: "networkpolicies", namespaced: true)
    public static var emptySpec: NetworkPolicySpec { NetworkPolicySpec() }
    public typealias Status = JSONValue
}
public typealias NetworkPolicy = KubeObject<NetworkPolicyKind>
