import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import ModelshipAPI
import ModelshipController
import Testing

@Suite struct OperatorLifecycleTests {
    @Test(.timeLimit(.minutes(2))) func anIdleResyncMakesZeroWrites() async throws {
        try await ControlPlane.with { plane in
            for index in 0..<5 {
                _ = try await plane.modelDeployments.create(modelDeployment("idle-\(index)", replicas: index % 2 == 0 ? 2 : 1))
            }
            // Quantities as users write them: the API server stores the Deployment's in canonical form
            // (500m, 1536Mi, 1, 2G), and the operator must see that as no change.
            let resources: JSONValue = ["requests": ["cpu": "0.5", "memory": "1.5Gi"], "limits": ["cpu": "1000m", "memory": 2_000_000_000]]
            _ = try await plane.modelDeployments.patch("idle-0", .merge(["spec": ["server": ["resources": resources]]]))
            var autoscaled = modelDeployment("idle-hpa", replicas: nil)
            autoscaled.spec.scaling = Scaling(autoscaling: .init(minReplicas: 2, maxReplicas: 4))
            _ = try await plane.modelDeployments.create(autoscaled)
            try await plane.withOperator { _ in
                // Settled, not just Healthy once: every replica ready (the HPA's minimum included) and the
                // Deployment's Available condition reported, so nothing is left for the next operator to write.
                let expected = Dictionary(uniqueKeysWithValues: (0..<5).map { ("idle-\($0)", $0 % 2 == 0 ? 2 : 1) } + [("idle-hpa", 2)])
                for (name, replicas) in expected {
                    try await plane.modelDeployments.waitUntil(name) {
                        $0?.isHealthy == true && $0?.status?.readyReplicas == replicas
                            && $0?.status?.conditions?.first { $0.type == "Available" }?.status == .true
                    }
                }
            }
            // A fresh operator lists everything and reconciles every object once, with nothing to change;
            // the resync then reconciles them all again.
            plane.server.faults.resetCounts()
            let reconciled = AsyncStream<ObjectRef>.makeStream()
            var options = ModelshipOperator.Options.unelected
            options.resyncInterval = .milliseconds(300)
            options.onReconcile = { reconciled.continuation.yield($0) }
            try await plane.withOperator(options) { _ in
                // Every object reconciled at least twice: the start-up pass and a resync pass.
                var counts: [String: Int] = [:]
                for await ref in reconciled.stream {
                    counts[ref.name, default: 0] += 1
                    if counts.count == 6 && counts.values.allSatisfy({ $0 >= 2 }) { break }
                }
            }
            #expect(plane.writes().isEmpty, "writes during an idle resync: \(plane.writes())")
            let stored = try await plane.deployments.get("idle-0-stable").spec.template.spec?.containers.first?.resources
            #expect(stored?.requests?["cpu"]?.value == "500m" && stored?.requests?["memory"]?.value == "1536Mi")
            #expect(stored?.limits?["cpu"]?.value == "1" && stored?.limits?["memory"]?.value == "2G")
        }
    }

    @Test func aRestartedOperatorConvergesWithoutDuplicateWork() async throws {
        try await ControlPlane.with { plane in
            try await plane.withOperator { _ in
                _ = try await plane.modelDeployments.create(modelDeployment("restart", version: "1"))
                try await plane.modelDeployments.waitUntil("restart") { $0?.isHealthy == true }
            }
            // While no operator runs, the spec changes.
            _ = try await plane.modelDeployments.patch("restart", .merge(["spec": ["model": ["version": "2"]]]))
            plane.server.faults.resetCounts()
            try await plane.withOperator { _ in
                try await plane.modelDeployments.waitUntil("restart") { $0?.isHealthy == true && $0?.status?.stable?.modelVersion == "2" }
            }
            let writes = plane.writes()
            #expect(writes["create deployments"] == nil)
            #expect(writes["create services"] == nil)
            #expect(writes["patch deployments"] == 1)
            #expect(try await plane.deployments.list().items.count == 1)
        }
    }

    @Test func leadershipHandsOverBetweenTwoOperators() async throws {
        try await ControlPlane.with { plane in
            _ = try await plane.client.api(Namespace.self).create(Namespace(name: "modelship-system"))
            func options(_ identity: String) -> ModelshipOperator.Options {
                var options = ModelshipOperator.Options()
                options.identity = identity
                options.resyncInterval = nil
                return options
            }
            let first = RunningOperator(client: plane.client, options: options("first"))
            _ = try await plane.modelDeployments.create(modelDeployment("led"))
            try await plane.modelDeployments.waitUntil("led") { $0?.isHealthy == true }
            #expect(first.operator.elector?.isLeader == true)

            let second = RunningOperator(client: plane.client, options: options("second"))
            #expect(second.operator.elector?.isLeader == false)
            #expect(second.operator.readiness().reason.contains("standby"))
            await first.stop()

            // The standby takes over (the lease was released) and acts on the next change.
            _ = try await plane.modelDeployments.patch("led", .merge(["spec": ["scaling": ["replicas": 3]]]))
            try await plane.modelDeployments.waitUntil("led") { $0?.isHealthy == true && $0?.status?.readyReplicas == 3 }
            #expect(second.operator.elector?.isLeader == true)
            let lease = try await Api<Lease>(client: plane.client, namespace: "modelship-system").get("modelship-operator")
            #expect(lease.spec.holderIdentity == "second")
            await second.stop()
        }
    }
}
