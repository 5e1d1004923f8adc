import Foundation
import KubeClient
import KubeTestServer
import Testing

func configMap(_ name: String, labels: [String: String] = [:], data: [String: String] = [:]) -> ConfigMap {
    ConfigMap(metadata: ObjectMeta(name: name, labels: labels), data: data)
}

/// The client against the embedded API server, over HTTPS with a bearer token.
@Suite struct ApiIntegrationTests {
    @Test func createGetReplaceDelete() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let created = try await maps.create(configMap("settings", data: ["a": "1"]))
            #expect(created.metadata.uid != nil)
            #expect(created.metadata.resourceVersion != nil)

            var fetched = try await maps.get("settings")
            #expect(fetched.data == ["a": "1"])
            fetched.data?["b"] = "2"
            let replaced = try await maps.replace(fetched)
            #expect(replaced.data == ["a": "1", "b": "2"])
            #expect(replaced.metadata.resourceVersion != created.metadata.resourceVersion)

            try await maps.delete("settings")
            #expect(try await maps.getIfPresent("settings") == nil)
            await #expect { try await maps.get("settings") } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func staleReplaceIsAConflictAndDuplicateCreateAlreadyExists() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let original = try await maps.create(configMap("c"))
            var first = original
            first.data = ["x": "1"]
            _ = try await maps.replace(first)
            var stale = original
            stale.data = ["x": "2"]
            await #expect { try await maps.replace(stale) } throws: { ($0 as? KubeError)?.isConflict == true }
            await #expect { try await maps.create(configMap("c")) } throws: { ($0 as? KubeError)?.isAlreadyExists == true }
            let updated = try await maps.update("c") { $0.data?["x"] = "3" }
            #expect(updated.data == ["x": "3"])
        }
    }

    @Test func replaceKeepsFieldsTheTypedModelDoesNotKnow() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            // A field of the real Service schema that the typed model does not declare.
            let services = ResourceKey(group: "", plural: "services")
            _ = try server.store.create(resourceKey: services, namespace: "default", body: [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "future"],
                "spec": ["ports": [["port": 80]], "publishNotReadyAddresses": true],
            ])
            let api = Api<Service>(client: client, namespace: "default")
            var service = try await api.get("future")
            service.spec.selector = ["app": "future"]
            _ = try await api.replace(service)
            let stored = try server.store.get(resourceKey: services, namespace: "default", name: "future")
            #expect(stored[path: ["spec", "publishNotReadyAddresses"]] == true)
            #expect(stored[path: ["spec", "selector", "app"]] == "future")
        }
    }

    @Test func listWithSelectorsAndPaging() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            for index in 0..<7 {
                _ = try await maps.create(configMap("m\(index)", labels: ["parity": index % 2 == 0 ? "even" : "odd", "i": "\(index)"]))
            }
            let even = try await maps.list(.init(labelSelector: try LabelSelector(parsing: "parity=even")))
            #expect(even.items.map(\.name) == ["m0", "m2", "m4", "m6"])
            let notIn = try await maps.list(.init(labelSelector: try LabelSelector(parsing: "i notin (0,1,2),parity!=odd")))
            #expect(notIn.items.map(\.name) == ["m4", "m6"])
            let named = try await maps.list(.init(fieldSelector: .equals("metadata.name", "m3")))
            #expect(named.items.map(\.name) == ["m3"])

            let firstPage = try await maps.list(.init(labelSelector: try LabelSelector(parsing: "i"), limit: 3))
            #expect(firstPage.items.count == 3)
            #expect(firstPage.metadata.continue != nil)
            let all = try await maps.listAll(pageSize: 2)
            #expect(all.items.map(\.name) == (0..<7).map { "m\($0)" })
        }
    }

    @Test func statusSubresourceAndGeneration() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let deployments = Api<Deployment>(client: client, namespace: "default")
            var deployment = Deployment(metadata: ObjectMeta(name: "web"))
            deployment.spec.selector = LabelSelectorSpec(matchLabels: ["app": "web"])
            deployment.spec.template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "web"]),
                                                       spec: PodSpec(containers: [Container(name: "web", image: "nginx:1")]))
            let created = try await deployments.create(deployment)
            #expect(created.metadata.generation == 1)
            #expect(created.spec.replicas == 1)
            #expect(created.spec.template.spec?.containers[0].imagePullPolicy == "IfNotPresent")

            let labelled = try await deployments.patch("web", .merge(["metadata": ["labels": ["x": "y"]]]))
            #expect(labelled.metadata.generation == 1)
            let scaled = try await deployments.patch("web", .merge(["spec": ["replicas": 3]]))
            #expect(scaled.metadata.generation == 2)

            let withStatus = try await deployments.patchStatus("web", .merge(["status": ["readyReplicas": 3], "spec": ["replicas": 9]]))
            #expect(withStatus.status?.readyReplicas == 3)
            #expect(withStatus.spec.replicas == 3)
            let ignoredStatus = try await deployments.patch("web", .merge(["status": ["readyReplicas": 0]]))
            #expect(ignoredStatus.status?.readyReplicas == 3)

            let scale = try await deployments.patchScale("web", replicas: 5)
            #expect(scale.spec.replicas == 5)
            #expect(try await deployments.get("web").spec.replicas == 5)
        }
    }

    @Test func jsonPatchTestGuardsFinalizerRemoval() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            var map = configMap("guarded")
            map.metadata.finalizers = ["a.example/x", "b.example/y"]
            _ = try await maps.create(map)
            let marked = try await maps.delete("guarded")
            #expect(marked?.metadata.deletionTimestamp != nil)
            await #expect { try await maps.patch("guarded", .json([.test("/metadata/finalizers/0", "b.example/y"),
                                                                    .remove("/metadata/finalizers/0")])) } throws: {
                ($0 as? KubeError)?.code == 422
            }
            _ = try await maps.patch("guarded", .json([.test("/metadata/finalizers/0", "a.example/x"), .remove("/metadata/finalizers/0")]))
            _ = try await maps.patch("guarded", .merge(["metadata": ["finalizers": .null]]))
            #expect(try await maps.getIfPresent("guarded") == nil)
        }
    }

    @Test func invalidObjectsCarryFieldCauses() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let deployments = Api<Deployment>(client: client, namespace: "default")
            var deployment = Deployment(metadata: ObjectMeta(name: "Bad_Name"))
            deployment.spec.selector = LabelSelectorSpec(matchLabels: ["app": "web"])
            await #expect { try await deployments.create(deployment) } throws: { error in
                guard case .invalid = error as? KubeError else { return false }
                let fields = Set((error as? KubeError)?.causes.compactMap(\.field) ?? [])
                return fields.contains("metadata.name") && fields.contains("spec.template.spec.containers")
            }
            let missing = Api<ConfigMap>(client: client, namespace: "no-such-namespace")
            await #expect { try await missing.create(configMap("x")) } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func discoveryFindsBuiltinsAndCustomResources() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let discovery = Discovery(client: client)
            #expect(try await discovery.serves(group: "apps", plural: "deployments"))
            #expect(!(try await discovery.serves(group: "gateway.networking.k8s.io", plural: "httproutes")))
            let crds = Api<CustomResourceDefinition>(client: client)
            _ = try await crds.create(CustomResourceDefinition(
                metadata: ObjectMeta(name: "httproutes.gateway.networking.k8s.io"),
                spec: .init(group: "gateway.networking.k8s.io", names: .init(plural: "httproutes", kind: "HTTPRoute"),
                            scope: "Namespaced", versions: [.init(name: "v1")])))
            #expect(try await discovery.serves(group: "gateway.networking.k8s.io", plural: "httproutes"))

            let routeType = ResourceType(group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute", plural: "httproutes",
                                         namespaced: true)
            let routes = Api<DynamicObject>(client: client, dynamic: routeType, namespace: "default")
            let route = try await routes.create(DynamicObject([
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "r"],
                "spec": ["rules": [["backendRefs": [["name": "svc", "weight": 90]]]]],
            ]))
            #expect(route[path: "spec", "rules"]?.arrayValue?.count == 1)
            #expect(route.metadata.name == "r")
        }
    }

    @Test func retriesHonourRetryAfterOn429And503() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            server.faults.add(.init(verb: "get", resource: "configmaps", status: 429, retryAfterSeconds: 0, times: 2))
            server.faults.add(.init(verb: "list", resource: "configmaps", status: 503, times: 1))
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            _ = try await maps.create(configMap("r"))
            #expect(try await maps.get("r").name == "r")
            #expect(try await maps.list().items.count == 1)
            #expect(server.faults.requestCounts()["get configmaps"] == 3)
            #expect(server.faults.requestCounts()["list configmaps"] == 2)

            server.faults.add(.init(verb: "create", resource: "configmaps", status: 500, times: 1))
            await #expect { try await maps.create(configMap("not-retried")) } throws: { ($0 as? KubeError)?.code == 500 }
        }
    }

    @Test func wrongTokenIsUnauthorized() async throws {
        let server = EmbeddedAPIServer()
        let endpoint = try await server.start()
        var configuration = endpoint.clientConfiguration()
        configuration.credentials = StaticTokenCredentials(token: "wrong")
        let client = try KubeClient(configuration: configuration)
        await #expect { try await Api<ConfigMap>(client: client, namespace: "default").list() } throws: { error in
            if case .unauthorized = error as? KubeError { return true }
            return false
        }
        await client.shutdown()
        await server.stop()
    }
}
