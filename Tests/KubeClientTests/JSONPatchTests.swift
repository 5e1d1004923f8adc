import KubeClient
import Testing

@Suite struct MergePatchTests {
    @Test func mergePatchMergesObjectsAndDeletesNulls() {
        let target: JSONValue = ["a": 1, "b": ["c": 2, "d": 3], "e": [1, 2]]
        let patched = MergePatch.apply(["b": ["c": .null, "x": "y"], "e": [3], "f": true], to: target)
        #expect(patched == ["a": 1, "b": ["d": 3, "x": "y"], "e": [3], "f": true])
    }

    @Test func diffProducesThePatchThatReproducesTheChange() throws {
        let original: JSONValue = ["spec": ["replicas": 1, "paused": false], "keep": "x"]
        let modified: JSONValue = ["spec": ["replicas": 3], "keep": "x", "new": ["a": 1]]
        let patch = try #require(MergePatch.diff(from: original, to: modified))
        #expect(patch == ["spec": ["replicas": 3, "paused": .null], "new": ["a": 1]])
        #expect(MergePatch.apply(patch, to: original) == modified)
        #expect(MergePatch.diff(from: original, to: original) == nil)
    }
}

@Suite struct JSONPatchTests {
    let document: JSONValue = ["metadata": ["finalizers": ["a", "b"], "name": "x"], "list": [1, 2, 3]]

    @Test func addReplaceRemoveAndAppend() throws {
        let result = try JSONPatch.apply([
            .add("/metadata/labels", ["app": "web"]),
            .replace("/metadata/name", "y"),
            .remove("/list/0"),
            .add("/list/-", 9),
        ], to: document)
        #expect(result == ["metadata": ["finalizers": ["a", "b"], "name": "y", "labels": ["app": "web"]], "list": [2, 3, 9]])
    }

    @Test func failedTestAbortsTheWholePatch() {
        #expect(throws: JSONPatchError.self) {
            try JSONPatch.apply([.test("/metadata/finalizers", ["b"]), .remove("/metadata/finalizers/0")], to: document)
        }
    }

    @Test func escapedPointersAddressKeysWithSlashes() throws {
        let key = "modelship.dev/finalizer"
        let doc: JSONValue = ["labels": .object([key: "x"])]
        let result = try JSONPatch.apply([.remove("/labels/" + JSONPatch.escape(key))], to: doc)
        #expect(result == ["labels": [:]])
    }

    @Test func missingPathsAreErrors() {
        #expect(throws: JSONPatchError.self) { try JSONPatch.apply([.replace("/nope/x", 1)], to: document) }
        #expect(throws: JSONPatchError.self) { try JSONPatch.apply([.remove("/list/7")], to: document) }
    }
}

@Suite struct FieldPreservationTests {
    @Test func unknownFieldsSurviveATypedEdit() throws {
        let raw: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "default", "resourceVersion": "5"],
            "spec": [
                "replicas": 1, "futureField": ["x": 1], "selector": ["matchLabels": ["app": "web"]],
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [
                    ["name": "web", "image": "nginx:1", "futureContainerField": true],
                    ["name": "side", "image": "busybox"],
                ]]],
            ],
        ]
        var deployment = try Deployment.decodeKeepingRaw(raw)
        deployment.spec.replicas = 4
        deployment.spec.template.spec?.containers.removeLast()
        deployment.spec.template.spec?.containers[0].image = "nginx:2"
        let json = try deployment.jsonPreservingUnknownFields()
        #expect(json[path: ["spec", "futureField"]] == ["x": 1])
        #expect(json[path: ["spec", "replicas"]] == 4)
        let containers = try #require(json[path: ["spec", "template", "spec", "containers"]]?.arrayValue)
        #expect(containers.count == 1)
        #expect(containers[0]["futureContainerField"] == true)
        #expect(containers[0]["image"] == "nginx:2")
    }

    @Test func removingAnOptionalTypedFieldRemovesIt() throws {
        let raw: JSONValue = ["metadata": ["name": "c", "labels": ["a": "b"]], "data": ["k": "v"], "extra": 1]
        var map = try ConfigMap.decodeKeepingRaw(raw)
        map.metadata.labels = nil
        let json = try map.jsonPreservingUnknownFields()
        #expect(json[path: ["metadata", "labels"]] == nil)
        #expect(json["extra"] == 1)
    }
}
