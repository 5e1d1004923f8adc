import Foundation
import KubeClient
import ModelshipAPI

/// The kinds of children the operator makes.
public enum ChildKind: String, Sendable, CaseIterable {
    case deployment = "Deployment"
    case service = "Service"
    case autoscaler = "HorizontalPodAutoscaler"
    case disruptionBudget = "PodDisruptionBudget"
    case networkPolicy = "NetworkPolicy"

    /// Aimed at the stable Deployment: made only while the operator controls that Deployment, since on someone
    /// else's it would act on their workload.
    public var targetsWorkload: Bool { self == .autoscaler || self == .disruptionBudget }
}

/// One child as the operator wants it: JSON holding exactly the fields the operator owns, or explicitly absent.
/// A field it owns but does not want is an explicit JSON null, so a merge patch removes it; fields it does not
/// own (HPA-managed replicas, annotations from `kubectl rollout restart`, server defaults) are absent from the
/// JSON and therefore left alone.
public struct DesiredChild: Sendable {
    public enum State: Sendable {
        case present(JSONValue)
        /// Must not exist (if it exists and is ours, it is deleted).
        case absent
    }

    public var kind: ChildKind
    public var name: String
    public var state: State

    public var json: JSONValue? {
        if case .present(let json) = state { return json }
        return nil
    }
}

/// What the operator wants for one ModelDeployment, in the order it is applied: the workload first, then what
/// depends on it.
public struct DesiredChildren: Sendable {
    public var children: [DesiredChild]
    /// A hash of the pod template: the server revision.
    public var revision: String

    /// The JSON of every wanted child of a kind.
    public func present(_ kind: ChildKind) -> [JSONValue] { children.filter { $0.kind == kind }.compactMap(\.json) }
}

public enum ChildrenBuilder {
    public static func build(_ deployment: ModelDeployment, configuration: OperatorConfiguration) throws -> DesiredChildren {
        let names = ChildNames(deployment.name)
        let owner = OwnerReference.controller(of: deployment)
        let namespace = deployment.metadata.namespace
        let template = PodTemplateBuilder(deployment: deployment, names: names, configuration: configuration).template()
        let scaling = deployment.spec.scaling ?? Scaling()

        var workload = Deployment(metadata: metadata(names.stable, namespace, names.labels(), owner))
        workload.spec.selector = LabelSelectorSpec(matchLabels: names.selector())
        workload.spec.template = template
        workload.spec.replicas = scaling.autoscaling == nil ? (scaling.replicas ?? 1) : nil
        let rollout = deployment.spec.rollout ?? Rollout()
        workload.spec.strategy = .init(type: "RollingUpdate", rollingUpdate: rollout.rollingUpdate ?? .init(maxSurge: "25%", maxUnavailable: "25%"))
        workload.spec.progressDeadlineSeconds = rollout.progressDeadlineSeconds ?? 600
        var deploymentJSON = try JSONValue(encoding: workload)
        for field in ["nodeSelector", "tolerations", "affinity"] where deploymentJSON[path: ["spec", "template", "spec", field]] == nil {
            deploymentJSON[path: ["spec", "template", "spec", field]] = .null
        }
        let revision = templateHash(deploymentJSON[path: ["spec", "template"]] ?? .null)

        let services = try [names.entry, names.stable].map { name in
            try JSONValue(encoding: Service(
                metadata: metadata(name, namespace, names.labels(), owner),
                spec: ServiceSpec(selector: names.selector(),
                                  ports: [.init(name: "http", port: 80, targetPort: "http", protocol: "TCP")])))
        }

        var autoscalerJSON: JSONValue?
        if let autoscaling = scaling.autoscaling {
            var autoscaler = HorizontalPodAutoscaler(metadata: metadata(names.stable, namespace, names.labels(), owner))
            autoscaler.spec.scaleTargetRef = CrossVersionObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: names.stable)
            autoscaler.spec.minReplicas = autoscaling.minReplicas ?? 1
            autoscaler.spec.maxReplicas = autoscaling.maxReplicas
            var metrics: [JSONValue] = []
            if let cpu = autoscaling.targetCPUUtilization { metrics.append(HPASpec.resourceUtilization("cpu", cpu)) }
            if let memory = autoscaling.targetMemoryUtilization { metrics.append(HPASpec.resourceUtilization("memory", memory)) }
            autoscaler.spec.metrics = metrics.isEmpty ? [HPASpec.resourceUtilization("cpu", 80)] : metrics
            autoscaler.spec.behavior = autoscaling.behavior
            autoscalerJSON = try JSONValue(encoding: autoscaler)
            if autoscaling.behavior == nil { autoscalerJSON?[path: ["spec", "behavior"]] = .null }
        }

        var budgetJSON: JSONValue?
        let minimumReplicas = scaling.autoscaling.map { $0.minReplicas ?? 1 } ?? (scaling.replicas ?? 1)
        if minimumReplicas > 1 {
            var budget = PodDisruptionBudget(metadata: metadata(names.stable, namespace, names.labels(), owner))
            budget.spec.maxUnavailable = 1
            budget.spec.selector = LabelSelectorSpec(matchLabels: names.selector())
            budgetJSON = try JSONValue(encoding: budget)
        }
        let policyJSON = try deployment.spec.networkPolicy.map { settings in
            try JSONValue(encoding: networkPolicy(settings, names: names, metadata: metadata(names.entry, namespace, names.labels(), owner)))
        }
        func child(_ kind: ChildKind, _ name: String, _ json: JSONValue?) -> DesiredChild {
            DesiredChild(kind: kind, name: name, state: json.map { .present($0) } ?? .absent)
        }
        let children = [child(.deployment, names.stable, deploymentJSON)]
            + zip([names.entry, names.stable], services).map { child(.service, $0, $1) }
            + [child(.autoscaler, names.stable, autoscalerJSON), child(.disruptionBudget, names.stable, budgetJSON),
               child(.networkPolicy, names.entry, policyJSON)]
        return DesiredChildren(children: children, revision: revision)
    }

    /// Ingress to every server pod of this ModelDeployment (any role) only from the given peers and Prometheus,
    /// on the server port; egress is not restricted (models are downloaded from outside).
    static func networkPolicy(_ settings: NetworkPolicySettings, names: ChildNames, metadata: ObjectMeta) -> NetworkPolicy {
        var spec = NetworkPolicySpec()
        spec.podSelector = LabelSelectorSpec(matchLabels: names.podsOfEveryRole)
        spec.policyTypes = ["Ingress"]
        let peers = settings.from + (settings.prometheus ?? NetworkPolicySettings.defaultPrometheus)
        spec.ingress = [.init(from: peers, ports: [.init(protocol: "TCP", port: "http")])]
        return NetworkPolicy(metadata: metadata, spec: spec)
    }

    static func metadata(_ name: String, _ namespace: String?, _ labels: [String: String], _ owner: OwnerReference) -> ObjectMeta {
        var metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        metadata.ownerReferences = [owner]
        return metadata
    }

    /// FNV-1a over the canonical (sorted-key) JSON of the template.
    public static func templateHash(_ template: JSONValue) -> String {
        String(FNV1a.hash(template.encoded()), radix: 16)
    }
}
