import Foundation
import KubeClient
@testable import KubeTestServer
import Testing

/// Field ownership and server-side apply on the store, without HTTP (the kubectl and Python client tests
/// cover the wire).
@Suite struct ServerSideApplyTests {
    let deployments = ResourceKey(group: "apps", plural: "deployments")

    func deployment(replicas: Int = 2, labels: JSONValue = ["app": "web"], image: String = "nginx:1.27") -> JSONValue {
        ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "labels": labels],
         "spec": ["replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": "web"]],
                  "template": ["metadata": ["labels": ["app": "web"]],
                               "spec": ["containers": [["name": "web", "image": .string(image), "ports": [["containerPort": 80]]]]]]]]
    }

    func entries(_ object: JSONValue) throws -> [ManagedFieldsEntry] {
        try ManagedFieldsList.decode(object[path: ["metadata", "managedFields"]])
    }

    func fields(_ object: JSONValue, _ manager: String) throws -> FieldSet {
        try #require(try entries(object).first { $0.manager == manager }).fields
    }

    @Test func fieldsV1RoundTripsAndMarksMembersWithChildren() throws {
        let json: JSONValue = ["f:metadata": ["f:labels": [".": [:], "f:app": [:]]],
                               "f:spec": ["f:containers": ["k:{\"name\":\"web\"}": [".": [:], "f:image": [:]]]]]
        let set = try FieldSet(fieldsV1: json)
        #expect(set.fieldsV1 == json)
        #expect(set.contains([.field("metadata"), .field("labels")]))
        #expect(!set.contains([.field("spec")]))
        let image: FieldPath = [.field("spec"), .field("containers"), .key(["name": "web"]), .field("image")]
        #expect(set.contains(image))
        #expect(image.pathDescription == ".spec.containers[name=\"web\"].image")
        #expect(throws: APIError.self) { try FieldSet(fieldsV1: ["x:bad": [:]]) }
    }

    @Test func applyCreatesTheObjectAndOwnsWhatItSet() throws {
        let store = ClusterStore()
        let result = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(),
                                     manager: "ci", force: false)
        #expect(result.created)
        let owned = try fields(result.object, "ci")
        let container: FieldPath = [.field("spec"), .field("template"), .field("spec"), .field("containers"), .key(["name": "web"])]
        #expect(owned.contains(container))
        #expect(owned.contains(container + [.field("ports"), .key(["containerPort": 80, "protocol": "TCP"]), .field("containerPort")]))
        #expect(owned.contains([.field("spec"), .field("replicas")]))
        #expect(!owned.contains([.field("spec"), .field("revisionHistoryLimit")]), "a default is not the applier's")
        #expect(!owned.contains([.field("metadata"), .field("name")]), "identity fields are owned by nobody")
        #expect(result.object[path: ["spec", "revisionHistoryLimit"]] == 10)
    }

    @Test func reapplyingTheSameConfigurationWritesNothing() throws {
        let store = ClusterStore()
        let first = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(), manager: "ci", force: false)
        let second = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(), manager: "ci", force: false)
        #expect(!second.created)
        #expect(second.object[path: ["metadata", "resourceVersion"]] == first.object[path: ["metadata", "resourceVersion"]])
    }

    @Test func anotherManagersDifferentValueConflictsUntilForced() throws {
        let store = ClusterStore()
        _ = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(), manager: "ci", force: false)
        _ = try store.modify(resourceKey: deployments, namespace: "default", name: "web", ownership: .update(manager: "autoscaler")) {
            (object: JSONValue) throws(APIError) -> JSONValue in
            var scaled = object
            scaled[path: ["spec", "replicas"]] = 7
            return scaled
        }
        do {
            _ = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(image: "nginx:1.28"),
                                manager: "ci", force: false)
            Issue.record("the conflicting apply was accepted")
        } catch {
            #expect(error.code == 409)
            #expect(error.message == "Apply failed with 1 conflict: conflict with \"autoscaler\" using apps/v1: .spec.replicas")
            #expect(error.details?.causes == [.init(reason: "FieldManagerConflict", message: "conflict with \"autoscaler\" using apps/v1",
                                                    field: ".spec.replicas")])
        }
        let unchanged = try store.get(resourceKey: deployments, namespace: "default", name: "web")
        #expect(unchanged[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "nginx:1.27",
                "a refused apply changes nothing")

        let forced = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(image: "nginx:1.28"),
                                     manager: "ci", force: true)
        #expect(forced.object[path: ["spec", "replicas"]] == 2)
        #expect(try entries(forced.object).contains { $0.manager == "autoscaler" } == false, "the autoscaler lost its only field")
    }

    @Test func sameValueIsSharedAndReleasedFieldsStayWhileSomeoneOwnsThem() throws {
        let store = ClusterStore()
        _ = try store.apply(resourceKey: deployments, namespace: "default", name: "web",
                            config: deployment(labels: ["app": "web", "tier": "front"]), manager: "ci", force: false)
        _ = try store.apply(resourceKey: deployments, namespace: "default", name: "web",
                            config: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "labels": ["tier": "front"]]],
                            manager: "ops", force: false)
        let after = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(labels: ["app": "web"]),
                                    manager: "ci", force: false)
        #expect(after.object[path: ["metadata", "labels"]] == ["app": "web", "tier": "front"], "ops still owns tier")
        let gone = try store.apply(resourceKey: deployments, namespace: "default", name: "web",
                                   config: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]],
                                   manager: "ops", force: false)
        #expect(gone.object[path: ["metadata", "labels"]] == ["app": "web"], "nobody owns tier any more")
    }

    @Test func updatesTakeWhatTheyChangeFromEveryone() throws {
        let store = ClusterStore()
        _ = try store.create(resourceKey: configMaps, namespace: "default",
                             body: ["metadata": ["name": "m"], "data": ["a": "1", "b": "1"]], ownership: .update(manager: "first"))
        let updated = try store.modify(resourceKey: configMaps, namespace: "default", name: "m", ownership: .update(manager: "second")) {
            (object: JSONValue) throws(APIError) -> JSONValue in
            var changed = object
            changed[path: ["data", "b"]] = "2"
            changed[path: ["data", "c"]] = "3"
            return changed
        }
        // The creator added the data map itself, so it also owns the map (".") and keeps that.
        #expect(try fields(updated, "first") == FieldSet(fieldsV1: ["f:data": [".": [:], "f:a": [:]]]))
        #expect(try fields(updated, "second") == FieldSet(fieldsV1: ["f:data": ["f:b": [:], "f:c": [:]]]))
    }

    @Test func aRequestCanClearOrReplaceTheList() throws {
        let store = ClusterStore()
        let created = try store.create(resourceKey: configMaps, namespace: "default",
                                       body: ["metadata": ["name": "m"], "data": ["a": "1"]], ownership: .update(manager: "first"))
        #expect(try entries(created).count == 1)
        var cleared = created
        cleared[path: ["metadata", "managedFields"]] = []
        let untracked = try store.update(resourceKey: configMaps, namespace: "default", name: "m", body: cleared)
        #expect(untracked[path: ["metadata", "managedFields"]] == nil)
        var changed = untracked
        changed[path: ["data", "a"]] = "2"
        let stillUntracked = try store.update(resourceKey: configMaps, namespace: "default", name: "m", body: changed)
        #expect(stillUntracked[path: ["metadata", "managedFields"]] == nil, "an object without the list is not tracked again")
        var replaced = stillUntracked
        replaced[path: ["metadata", "managedFields"]] = [["manager": "migrated", "operation": "Apply", "apiVersion": "v1",
                                                          "fieldsType": "FieldsV1", "fieldsV1": ["f:data": ["f:a": [:]]]]]
        let restored = try store.update(resourceKey: configMaps, namespace: "default", name: "m", body: replaced)
        #expect(try entries(restored).map(\.manager) == ["migrated"])
    }

    @Test func statusWritesAreTrackedPerSubresourceAndNotPartOfSpecApplies() throws {
        let store = ClusterStore()
        _ = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: deployment(), manager: "ci", force: false)
        let status = try store.modify(resourceKey: deployments, namespace: "default", name: "web", subresource: .status,
                                      ownership: .update(manager: "controller")) { (object: JSONValue) throws(APIError) -> JSONValue in
            var reported = object
            reported[path: ["status", "readyReplicas"]] = 2
            return reported
        }
        let entry = try #require(try entries(status).first { $0.manager == "controller" })
        #expect(entry.subresource == "status")
        #expect(entry.fields == (try FieldSet(fieldsV1: ["f:status": ["f:readyReplicas": [:]]])))
        var withStatus = deployment()
        withStatus["status"] = ["readyReplicas": 0]
        let applied = try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: withStatus, manager: "ci", force: false)
        #expect(applied.object[path: ["status", "readyReplicas"]] == 2, "the main resource ignores status")
        #expect(try !fields(applied.object, "ci").contains([.field("status"), .field("readyReplicas")]))
    }

    @Test func manyUpdateManagersAreFoldedIntoAncientChanges() throws {
        let store = ClusterStore()
        _ = try store.create(resourceKey: configMaps, namespace: "default", body: ["metadata": ["name": "m"], "data": ["k0": "v"]],
                             ownership: .update(manager: "m0"))
        var object = JSONValue.null
        for index in 1...11 {
            object = try store.modify(resourceKey: configMaps, namespace: "default", name: "m", ownership: .update(manager: "m\(index)")) {
                (current: JSONValue) throws(APIError) -> JSONValue in
                var next = current
                next[path: ["data", "k\(index)"]] = "v"
                return next
            }
        }
        let managers = try entries(object).map(\.manager)
        #expect(managers.count == 10)
        #expect(managers.contains("ancient-changes"))
        let ancient = try fields(object, "ancient-changes")
        #expect(ancient.contains([.field("data"), .field("k0")]) && ancient.contains([.field("data"), .field("k1")]))
    }

    @Test func appliedIdentityAndListAreChecked() throws {
        let store = ClusterStore()
        var wrongKind = deployment()
        wrongKind["kind"] = "StatefulSet"
        #expect { try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: wrongKind, manager: "ci", force: false) }
            throws: { ($0 as? APIError)?.message == "invalid object type: apps/v1, Kind=StatefulSet" }
        var withList = deployment()
        withList[path: ["metadata", "managedFields"]] = []
        #expect { try store.apply(resourceKey: deployments, namespace: "default", name: "web", config: withList, manager: "ci", force: false) }
            throws: { ($0 as? APIError)?.message == "metadata.managedFields must be nil" }
        #expect((try? store.get(resourceKey: deployments, namespace: "default", name: "web")) == nil, "nothing was created")
    }
}

/// Strategic merge patch follows each list's declared patch strategy and merge key.
@Suite struct StrategicMergeSchemaTests {
    @Test func listsMergeByTheirDeclaredKeyOrAreReplaced() throws {
        let store = ClusterStore()
        let services = try #require(store.resource(group: "", plural: "services"))
        let service: JSONValue = ["spec": ["ports": [["port": 80, "name": "http"], ["port": 443, "name": "https"]],
                                           "externalIPs": ["10.0.0.1"]]]
        let patched = try StrategicMerge.apply(["spec": ["ports": [["port": 443, "name": "tls"]], "externalIPs": ["10.0.0.2"]]],
                                               to: service, resource: services)
        // Service ports merge by `port`; externalIPs has no patch strategy, so the list is replaced.
        #expect(patched[path: ["spec", "ports"]] == [["port": 80, "name": "http"], ["port": 443, "name": "tls"]])
        #expect(patched[path: ["spec", "externalIPs"]] == ["10.0.0.2"])

        let pods = try #require(store.resource(group: "", plural: "pods"))
        let pod: JSONValue = ["metadata": ["finalizers": ["a"]],
                              "spec": ["containers": [["name": "web", "ports": [["containerPort": 80]]]]]]
        let merged = try StrategicMerge.apply(["metadata": ["finalizers": ["b"]],
                                               "spec": ["containers": [["name": "web", "ports": [["containerPort": 9090]]]]]],
                                              to: pod, resource: pods)
        #expect(merged[path: ["metadata", "finalizers"]] == ["a", "b"], "finalizers are a merged set")
        #expect(merged[path: ["spec", "containers"]]?.arrayValue?.first?["ports"] == [["containerPort": 80], ["containerPort": 9090]],
                "container ports merge by containerPort")
    }
}
