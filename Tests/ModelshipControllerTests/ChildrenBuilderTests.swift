import KubeClient
import ModelshipAPI
import ModelshipController
import Testing

/// The desired children as data: every kind the operator makes is listed, wanted or explicitly absent, in the
/// order they are applied (the workload before what depends on it).
@Suite struct ChildrenBuilderTests {
    func kinds(_ desired: DesiredChildren) -> [String] {
        desired.children.map { "\($0.kind.rawValue) \($0.name) \($0.json == nil ? "absent" : "present")" }
    }

    @Test func fixedReplicasWantNoAutoscalerBudgetOrPolicy() throws {
        let desired = try ChildrenBuilder.build(modelDeployment("one", replicas: 1), configuration: OperatorConfiguration())
        #expect(kinds(desired) == [
            "Deployment one-stable present", "Service one present", "Service one-stable present",
            "HorizontalPodAutoscaler one-stable absent", "PodDisruptionBudget one-stable absent", "NetworkPolicy one absent",
        ])
    }

    @Test func autoscalingWantsAnAutoscalerAndABudget() throws {
        var deployment = modelDeployment("many", replicas: nil)
        deployment.spec.scaling = Scaling(autoscaling: .init(minReplicas: 2, maxReplicas: 6))
        deployment.spec.networkPolicy = NetworkPolicySettings(from: [])
        let desired = try ChildrenBuilder.build(deployment, configuration: OperatorConfiguration())
        #expect(kinds(desired).suffix(3) == [
            "HorizontalPodAutoscaler many-stable present", "PodDisruptionBudget many-stable present", "NetworkPolicy many present",
        ])
        // The HPA owns replicas: the Deployment's are left out, not set.
        let workload = try #require(desired.present(.deployment).first)
        #expect(workload[path: ["spec", "replicas"]] == nil)
        #expect(desired.present(.autoscaler).first?[path: ["spec", "maxReplicas"]] == 6)
    }

    @Test func theRevisionFollowsThePodTemplateOnly() throws {
        let first = try ChildrenBuilder.build(modelDeployment("r", version: "1"), configuration: OperatorConfiguration())
        let rescaled = try ChildrenBuilder.build(modelDeployment("r", version: "1", replicas: 5), configuration: OperatorConfiguration())
        let upgraded = try ChildrenBuilder.build(modelDeployment("r", version: "2"), configuration: OperatorConfiguration())
        #expect(first.revision == rescaled.revision)
        #expect(first.revision != upgraded.revision)
    }
}
