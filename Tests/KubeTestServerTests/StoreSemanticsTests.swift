import KubeClient
import KubeTestServer
import Testing

let configMaps = ResourceKey(group: "", plural: "configmaps")
let namespaces = ResourceKey(group: "", plural: "namespaces")

func map(_ name: String, ownedBy owner: JSONValue? = nil, finalizers: [String] = []) -> JSONValue {
    var metadata: JSONValue = ["name": .string(name)]
    if let owner {
        metadata["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": owner[path: ["metadata", "name"]] ?? "",
                                        "uid": owner[path: ["metadata", "uid"]] ?? "", "controller": true]]
    }
    if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers.map { .string($0) }) }
    return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata]
}

@Suite struct GarbageCollectionTests {
    func exists(_ store: ClusterStore, _ name: String, namespace: String = "default") -> Bool {
        (try? store.get(resourceKey: configMaps, namespace: namespace, name: name)) != nil
    }

    @Test func backgroundDeletionRemovesDependentsTransitively() throws {
        let store = ClusterStore()
        let owner = try store.create(resourceKey: configMaps, namespace: "default", body: map("owner"))
        let child = try store.create(resourceKey: configMaps, namespace: "default", body: map("child", ownedBy: owner))
        _ = try store.create(resourceKey: configMaps, namespace: "default", body: map("grandchild", ownedBy: child))
        _ = try store.delete(resourceKey: configMaps, namespace: "default", name: "owner")
        #expect(!exists(store, "child"))
        #expect(!exists(store, "grandchild"))
    }

    @Test func foregroundDeletionWaitsForDependentsWithFinalizers() throws {
        let store = ClusterStore()
        let owner = try store.create(resourceKey: configMaps, namespace: "default", body: map("owner"))
        _ = try store.create(resourceKey: configMaps, namespace: "default", body: map("held", ownedBy: owner, finalizers: ["x/hold"]))
        let marked = try store.delete(resourceKey: configMaps, namespace: "default", name: "owner", request: .init(propagation: .foreground))
        #expect(marked[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
        #expect(exists(store, "owner"))
        _ = try store.modify(resourceKey: configMaps, namespace: "default", name: "held") { object throws(APIError) in
            var released = object
            released[path: ["metadata", "finalizers"]] = []
            return released
        }
        #expect(!exists(store, "held"))
        #expect(!exists(store, "owner"))
    }

    @Test func orphanDeletionKeepsDependentsAndDropsTheReference() throws {
        let store = ClusterStore()
        let owner = try store.create(resourceKey: configMaps, namespace: "default", body: map("owner"))
        _ = try store.create(resourceKey: configMaps, namespace: "default", body: map("orphan", ownedBy: owner))
        _ = try store.delete(resourceKey: configMaps, namespace: "default", name: "owner", request: .init(propagation: .orphan))
        let orphan = try store.get(resourceKey: configMaps, namespace: "default", name: "orphan")
        #expect(orphan[path: ["metadata", "ownerReferences"]] == nil)
    }

    @Test func deletingANamespaceTerminatesItThenRemovesIt() throws {
        let store = ClusterStore()
        _ = try store.create(resourceKey: namespaces, namespace: nil, body: ["metadata": ["name": "team"]])
        _ = try store.create(resourceKey: configMaps, namespace: "team", body: map("a"))
        _ = try store.create(resourceKey: configMaps, namespace: "team", body: map("b", finalizers: ["x/hold"]))
        let terminating = try store.delete(resourceKey: namespaces, namespace: nil, name: "team")
        #expect(terminating[path: ["status", "phase"]] == "Terminating")
        #expect(!exists(store, "a", namespace: "team"))
        #expect(throws: APIError.self) { try store.create(resourceKey: configMaps, namespace: "team", body: map("c")) }
        _ = try store.modify(resourceKey: configMaps, namespace: "team", name: "b") { object throws(APIError) in
            var released = object
            released[path: ["metadata", "finalizers"]] = nil
            return released
        }
        #expect((try? store.get(resourceKey: namespaces, namespace: nil, name: "team")) == nil)
    }
}

@Suite struct WriteSemanticsTests {
    @Test func noOpUpdatesDoNotBumpTheResourceVersion() throws {
        let store = ClusterStore()
        let created = try store.create(resourceKey: configMaps, namespace: "default", body: map("same"))
        let again = try store.update(resourceKey: configMaps, namespace: "default", name: "same", body: created)
        #expect(again[path: ["metadata", "resourceVersion"]] == created[path: ["metadata", "resourceVersion"]])
    }

    @Test func generateNameAndDryRun() throws {
        let store = ClusterStore()
        let body: JSONValue = ["metadata": ["generateName": "job-"]]
        let dry = try store.create(resourceKey: configMaps, namespace: "default", body: body, dryRun: true)
        let dryName = try #require(dry[path: ["metadata", "name"]]?.stringValue)
        #expect(dryName.hasPrefix("job-") && dryName.count == 9)
        #expect((try? store.get(resourceKey: configMaps, namespace: "default", name: dryName)) == nil)
    }
}
