import Foundation
import KubeClient
import ModelshipAPI

/// What the operator wants to exist for one ModelDeployment, as JSON holding exactly the fields the
/// operator owns. A field the operator owns but does not want is an explicit JSON null, so a merge
/// patch removes it; fields it does not own (HPA-managed replicas, annotations from
/// `kubectl rollout restart`, server defaults) are absent and therefore left alone.
public struct DesiredChildren: Sendable {
    public var deployment: JSONValue
    public var services: [JSONValue]
    /// nil: no HPA should exist.
    public var autoscaler: JSONValue?
    /// nil: no PodDisruptionBudget should exist.
    public var disruptionBudget: JSONValue?
    /// nil: no NetworkPolicy should exist.
    public var networkPolicy: JSONValue?
    /// A hash of the pod template: the server revision.
    public var revision: String
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
        return DesiredChildren(deployment: deploymentJSON, services: services, autoscaler: autoscalerJSON,
                               disruptionBudget: budgetJSON, networkPolicy: policyJSON, revision: revision)
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
