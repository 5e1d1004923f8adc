import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import ModelshipAPI
import ModelshipController
import Testing

@Suite struct ReconcileTests {
    @Test func applyCreatesEveryChildAndBecomesHealthy() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                let created = try await plane.modelDeployments.create(modelDeployment("fraud", version: "7"))
                let healthy = try await plane.modelDeployments.waitUntil("fraud") { $0?.isHealthy == true }
                #expect(healthy?.status?.stable?.modelVersion == "7")
                #expect(healthy?.status?.readyReplicas == 2)
                #expect(healthy?.status?.condition("Ready")?.status == .true)
                #expect(healthy?.status?.endpoint == "http://fraud.default.svc.cluster.local")

                let workload = try await plane.deployments.get("fraud-stable")
                #expect(workload.metadata.controllerReference?.uid == created.metadata.uid)
                #expect(workload.spec.replicas == 2)
                let container = try #require(workload.spec.template.spec?.containers.first)
                #expect(container.args == ["serve"])
                #expect(container.env?.first { $0.name == "MODELSHIP_MODEL_VERSION" }?.value == "7")
                #expect(container.readinessProbe?.httpGet?.path == "/v2/health/ready")
                #expect(container.securityContext?.readOnlyRootFilesystem == true)
                #expect(workload.spec.template.metadata?.annotations?["prometheus.io/scrape"] == "true")

                #expect(try await plane.services.get("fraud").spec.selector == ["app.kubernetes.io/instance": "fraud", "modelship.dev/role": "stable"])
                #expect(try await plane.services.getIfPresent("fraud-stable") != nil)
                #expect(try await plane.budgets.get("fraud-stable").spec.maxUnavailable == 1)
                #expect(try await plane.autoscalers.getIfPresent("fraud-stable") == nil)
                // Events follow the status write they describe: wait for them rather than read once.
                let reasons = try await plane.events.waitUntilList {
                    Set($0.compactMap(\.reason)).isSuperset(of: ["Created", "RolloutComplete"])
                }.compactMap(\.reason)
                #expect(reasons.filter { $0 == "Created" }.count == 1)
            }
        }
    }

    @Test func aNewModelVersionRollsAndIsReported() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("ranker", version: "1"))
                try await plane.modelDeployments.waitUntil("ranker") { $0?.isHealthy == true }
                _ = try await plane.modelDeployments.patch("ranker", .merge(["spec": ["model": ["version": "2", "uri": "s3://models/ranker/2/model.onnx"]]]))
                let rolled = try await plane.modelDeployments.waitUntil("ranker") { $0?.isHealthy == true && $0?.status?.stable?.modelVersion == "2" }
                #expect(rolled?.status?.stable?.modelURI == "s3://models/ranker/2/model.onnx")
                let events = try await plane.events.waitUntilList { $0.filter { $0.reason == "RolloutComplete" }.count == 2 }
                #expect(events.contains { $0.reason == "RolloutStarted" && $0.message == "Rolling out model version 2 (was 1)" })
                #expect(events.filter { $0.reason == "RolloutComplete" }.count == 2)
                let replicaSets = try await Api<ReplicaSet>(client: plane.client, namespace: "default").list().items
                #expect(replicaSets.count == 2)  // the rolling update made a new ReplicaSet
            }
        }
    }

    @Test func aStalledRolloutIsDegradedWithThePodsReason() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("stuck", version: "1"))
                try await plane.modelDeployments.waitUntil("stuck") { $0?.isHealthy == true }
                plane.server.simulation.failDeployment(namespace: "default", name: "stuck-stable", reason: "ImagePullBackOff",
                                                       message: "Back-off pulling image \"modelship-server:typo\"")
                _ = try await plane.modelDeployments.patch("stuck", .merge(["spec": ["model": ["version": "2"]]]))
                let degraded = try await plane.modelDeployments.waitUntil("stuck") { $0?.status?.phase == .degraded }
                #expect(degraded?.status?.condition("Degraded")?.status == .true)
                #expect(degraded?.status?.message?.contains("ImagePullBackOff") == true)
                #expect(degraded?.status?.stable?.modelVersion == "1")  // the old version is still the stable one
                let stalled = try await plane.events.waitUntilList { $0.contains { $0.reason == "RolloutStalled" } }
                #expect(stalled.filter { $0.reason == "RolloutStalled" }.allSatisfy { $0.type == "Warning" })

                plane.server.simulation.healDeployment(namespace: "default", name: "stuck-stable")
                try await plane.modelDeployments.waitUntil("stuck") { $0?.isHealthy == true && $0?.status?.stable?.modelVersion == "2" }
            }
        }
    }

    @Test func switchingBetweenFixedReplicasAndAutoscaling() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("scaler", replicas: 1))
                try await plane.modelDeployments.waitUntil("scaler") { $0?.isHealthy == true }
                #expect(try await plane.budgets.getIfPresent("scaler-stable") == nil)

                _ = try await plane.modelDeployments.patch("scaler", .merge(["spec": ["scaling": [
                    "replicas": .null, "autoscaling": ["minReplicas": 2, "maxReplicas": 5, "targetCPUUtilization": 60]]]]))
                let autoscaler = try await plane.autoscalers.waitUntil("scaler-stable") { $0 != nil }
                #expect(autoscaler?.spec.maxReplicas == 5)
                #expect(autoscaler?.spec.scaleTargetRef.name == "scaler-stable")
                // The HPA owns replicas now: what it decides stays.
                plane.server.simulation.setHPADesiredReplicas(namespace: "default", name: "scaler-stable", 4)
                try await plane.modelDeployments.waitUntil("scaler") { $0?.status?.readyReplicas == 4 && $0?.isHealthy == true }
                #expect(try await plane.deployments.get("scaler-stable").spec.replicas == 4)
                #expect(try await plane.budgets.getIfPresent("scaler-stable") != nil)

                _ = try await plane.modelDeployments.patch("scaler", .merge(["spec": ["scaling": ["autoscaling": .null, "replicas": 3]]]))
                try await plane.autoscalers.waitUntil("scaler-stable") { $0 == nil }
                try await plane.deployments.waitUntil("scaler-stable") { $0?.spec.replicas == 3 }
                // The removal is its own Event, naming what went (recorded just after the delete).
                let events = try await plane.events.waitUntilList { $0.contains { $0.reason == "Deleted" } }
                let deleted = events.filter { $0.reason == "Deleted" }.compactMap(\.message)
                #expect(deleted == ["Deleted HorizontalPodAutoscaler scaler-stable"])
            }
        }
    }

    @Test func invalidSpecsAreRejectedOrReportedWithoutChildren() async throws {
        try await ControlPlane.with { plane in
            // The schema rejects at admission, with field causes.
            var badVersion = modelDeployment("bad-version")
            badVersion.spec.model.version = "not a label!"
            await #expect { try await plane.modelDeployments.create(badVersion) } throws: { error in
                (error as? KubeError)?.causes.contains { $0.field == "spec.model.version" } == true
            }
            try await plane.withOperator { _ in
                // What the schema cannot see is reported in status and as a Warning Event.
                var both = modelDeployment("both")
                both.spec.scaling = Scaling(replicas: 2, autoscaling: .init(maxReplicas: 3))
                _ = try await plane.modelDeployments.create(both)
                let failed = try await plane.modelDeployments.waitUntil("both") { $0?.status?.phase == .failed }
                #expect(failed?.status?.condition("Ready")?.reason == "InvalidSpec")
                #expect(failed?.status?.message?.contains("set either replicas or autoscaling") == true)

                var secretless = modelDeployment("secretless")
                secretless.spec.model.storageSecretRef = LocalObjectReference(name: "s3-creds")
                _ = try await plane.modelDeployments.create(secretless)
                let missing = try await plane.modelDeployments.waitUntil("secretless") { $0?.status?.phase == .failed }
                #expect(missing?.status?.message?.contains("Secret s3-creds does not exist") == true)

                // A credential in the URI is refused, and neither status nor the Event repeats it.
                var leaky = modelDeployment("leaky")
                leaky.spec.model.uri = "https://reader:hunter2@models.example/m.onnx?X-Amz-Signature=abc123"
                _ = try await plane.modelDeployments.create(leaky)
                let refused = try await plane.modelDeployments.waitUntil("leaky") { $0?.status?.phase == .failed }
                #expect(refused?.status?.message?.contains("https://REDACTED@models.example/m.onnx?X-Amz-Signature=REDACTED carries") == true)
                #expect(refused?.status?.message?.contains("MODELSHIP_HTTP_AUTHORIZATION") == true)

                #expect(try await plane.deployments.list().items.isEmpty)
                let invalid = try await plane.events.waitUntilList { $0.contains { $0.reason == "InvalidSpec" } }
                #expect(invalid.filter { $0.reason == "InvalidSpec" }.allSatisfy { $0.type == "Warning" })
                let shown = try await plane.events.list().items.map { $0.message ?? "" }.joined() + "\(refused?.status as Any)"
                #expect(!shown.contains("hunter2") && !shown.contains("abc123"))

                // Fixing the spec heals it.
                _ = try await plane.modelDeployments.patch("both", .merge(["spec": ["scaling": ["autoscaling": .null]]]))
                try await plane.modelDeployments.waitUntil("both") { $0?.isHealthy == true }
            }
        }
    }

    @Test func childrenChangedByOthersAreRepairedAndTheirFieldsKept() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("repair"))
                try await plane.modelDeployments.waitUntil("repair") { $0?.isHealthy == true }

                // kubectl rollout restart, and a label from someone else: both survive reconciles.
                _ = try await plane.deployments.patch("repair-stable", .merge([
                    "metadata": ["labels": ["team": "ml"]],
                    "spec": ["template": ["metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": "2026-11-27T00:00:00Z"]]]],
                ]))
                // A wrong port and a deleted Service are put back.
                _ = try await plane.services.patch("repair", .merge(["spec": ["ports": [["name": "http", "port": 9999, "targetPort": "http"]]]]))
                try await plane.services.delete("repair-stable")
                try await plane.services.waitUntil("repair") { $0?.spec.ports?.first?.port == 80 }
                try await plane.services.waitUntil("repair-stable") { $0 != nil }
                let workload = try await plane.deployments.get("repair-stable")
                #expect(workload.metadata.labels?["team"] == "ml")
                #expect(workload.spec.template.metadata?.annotations?["kubectl.kubernetes.io/restartedAt"] == "2026-11-27T00:00:00Z")

                try await plane.deployments.delete("repair-stable")
                try await plane.deployments.waitUntil("repair-stable") { $0?.metadata.deletionTimestamp == nil && $0 != nil }
                try await plane.modelDeployments.waitUntil("repair") { $0?.isHealthy == true && $0?.status?.readyReplicas == 2 }
            }
        }
    }

    @Test func deletingTheModelDeploymentCollectsItsChildren() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("temp"))
                try await plane.modelDeployments.waitUntil("temp") { $0?.isHealthy == true }
                try await plane.modelDeployments.delete("temp")
                try await plane.deployments.waitUntil("temp-stable") { $0 == nil }
                #expect(try await plane.services.list(.init(labelSelector: ChildNames.managedSelector)).items.isEmpty)
                #expect(try await plane.budgets.list().items.isEmpty)
            }
        }
    }

    @Test func aChildOwnedBySomeoneElseIsNotTakenOver() async throws {
        try await ControlPlane.with { plane in
            _ = try await plane.services.create(KubeService(metadata: ObjectMeta(name: "taken"), spec: ServiceSpec(selector: ["app": "other"], ports: [.init(port: 80)])))
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("taken"))
                let failed = try await plane.modelDeployments.waitUntil("taken") { $0?.status?.phase == .failed }
                #expect(failed?.status?.message?.contains("Service taken exists and is not controlled") == true)
                #expect(try await plane.services.get("taken").spec.selector == ["app": "other"])
            }
        }
    }

    @Test func aNetworkPolicyAdmitsOnlyTheGivenPeersAndPrometheusAndGoesWhenUnset() async throws {
        try await ControlPlane.with { plane in
            let policies = Api<NetworkPolicy>(client: plane.client, namespace: plane.namespace)
            var deployment = modelDeployment("fenced")
            let callers = NetworkPolicySettings.Peer(namespaceSelector: LabelSelectorSpec(matchLabels: ["team": "payments"]))
            deployment.spec.networkPolicy = NetworkPolicySettings(from: [callers])
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(deployment)
                try await plane.modelDeployments.waitUntil("fenced") { $0?.isHealthy == true }
                let policy = try await policies.get("fenced")
                #expect(policy.metadata.controllerReference?.name == "fenced")
                #expect(policy.spec.podSelector.matchLabels == ["app.kubernetes.io/instance": "fenced", "app.kubernetes.io/managed-by": "modelship"])
                #expect(policy.spec.policyTypes == ["Ingress"])
                let rule = try #require(policy.spec.ingress?.first)
                #expect(rule.from == [callers] + NetworkPolicySettings.defaultPrometheus)
                #expect(rule.ports == [.init(protocol: "TCP", port: "http")])
                // The pods it selects are the server's.
                let template = try await plane.deployments.get("fenced-stable").spec.template.metadata?.labels ?? [:]
                #expect(LabelSelector(policy.spec.podSelector).matches(template))

                _ = try await plane.modelDeployments.patch("fenced", .merge(["spec": ["networkPolicy": .null]]))
                _ = try await plane.modelDeployments.waitUntil("fenced") { $0?.status?.observedGeneration == 2 }
                _ = try await policies.waitUntil("fenced") { $0 == nil }
            }
            // A peer that names nothing would admit nothing useful: the schema refuses it.
            var empty = modelDeployment("unfenced")
            empty.spec.networkPolicy = NetworkPolicySettings(from: [NetworkPolicySettings.Peer()])
            await #expect(throws: KubeError.self) { try await plane.modelDeployments.create(empty) }
        }
    }

    @Test func noAutoscalerOrBudgetIsAimedAtAWorkloadSomeoneElseControls() async throws {
        try await ControlPlane.with { plane in
            var foreign = Deployment(metadata: ObjectMeta(name: "theirs-stable"))
            foreign.spec.selector = LabelSelectorSpec(matchLabels: ["app": "theirs"])
            foreign.spec.template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "theirs"]),
                                                    spec: PodSpec(containers: [Container(name: "c", image: "example/theirs:1")]))
            _ = try await plane.deployments.create(foreign)
            var deployment = modelDeployment("theirs", replicas: nil)
            deployment.spec.scaling = Scaling(autoscaling: .init(minReplicas: 2, maxReplicas: 4))
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(deployment)
                let failed = try await plane.modelDeployments.waitUntil("theirs") { $0?.status?.phase == .failed }
                #expect(failed?.status?.message?.contains("Deployment theirs-stable exists and is not controlled") == true)
            }
            #expect(try await plane.autoscalers.getIfPresent("theirs-stable") == nil)
            #expect(try await plane.budgets.getIfPresent("theirs-stable") == nil)
            #expect(try await plane.deployments.get("theirs-stable").spec.template.metadata?.labels == ["app": "theirs"])
        }
    }

    @Test func aChildTheAPIServerRefusesIsReportedOnceAndNothingAfterItIsApplied() async throws {
        try await ControlPlane.with { plane in
            var deployment = modelDeployment("greedy")
            var server = ServerSpec()
            server.resources = ResourceRequirements(limits: ["cpu": "1"], requests: ["cpu": "2"])
            deployment.spec.server = server
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(deployment)
                let failed = try await plane.modelDeployments.waitUntil("greedy") { $0?.status?.phase == .failed }
                let degraded = failed?.status?.conditions?.first { $0.type == "Degraded" }
                #expect(degraded?.reason == "ChildRejected")
                #expect(degraded?.message.contains("refused Deployment greedy-stable (422 Invalid)") == true)
                #expect(degraded?.message.contains("must be less than or equal to cpu limit of 1") == true)
                let warnings = try await plane.events.waitUntilList { $0.contains { $0.reason == "ChildRejected" } }
                    .filter { $0.reason == "ChildRejected" }
                #expect(warnings.count == 1 && warnings.first?.type == "Warning")
            }
            // Refused: not retried in a loop (its own status write wakes no second reconcile), and the Services
            // that would front it were not created.
            #expect((plane.writes()["create deployments"] ?? 0) <= 2)
            #expect((plane.writes()["patch modeldeployments"] ?? 0) == 1, "\(plane.writes())")
            #expect(try await plane.services.list().items.isEmpty)
        }
    }

    @Test func aRefusedUpdateLeavesTheServingVersionAndTheNextChangeTriesAgain() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("guarded", version: "1"))
                try await plane.modelDeployments.waitUntil("guarded") { $0?.isHealthy == true }
                // An admission webhook or quota refusing the change answers 403.
                plane.server.faults.add(.init(verb: "patch", resource: "deployments", status: 403))
                _ = try await plane.modelDeployments.patch("guarded", .merge(["spec": ["model": ["version": "2"]]]))
                let degraded = try await plane.modelDeployments.waitUntil("guarded") { $0?.status?.phase == .degraded }
                #expect(degraded?.status?.conditions?.first { $0.type == "Ready" }?.status == .true)
                #expect(degraded?.status?.stable?.modelVersion == "1")
                #expect(degraded?.status?.message?.contains("(403 Forbidden)") == true)
                plane.server.faults.clear()
                _ = try await plane.modelDeployments.patch("guarded", .merge(["spec": ["model": ["version": "3"]]]))
                let healthy = try await plane.modelDeployments.waitUntil("guarded") { $0?.isHealthy == true }
                #expect(healthy?.status?.stable?.modelVersion == "3")
            }
        }
    }
}
