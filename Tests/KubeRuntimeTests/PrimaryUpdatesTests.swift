import KubeClient
import Testing
@testable import KubeRuntime

@Suite struct PrimaryUpdatesTests {
    static let base = ObjectMeta(name: "iris", namespace: "ml", labels: ["a": "1"], annotations: ["x": "y"])

    static func changed(_ edit: (inout ObjectMeta) -> Void) -> ObjectMeta {
        var meta = base
        meta.generation = 4
        meta.resourceVersion = "10"
        edit(&meta)
        return meta
    }

    static let cases: [(String, ObjectMeta, Bool)] = [
        ("status only: a new resourceVersion", changed { $0.resourceVersion = "11" }, false),
        ("spec: a new generation", changed { $0.generation = 5 }, true),
        ("a label", changed { $0.labels?["a"] = "2" }, true),
        ("an annotation", changed { $0.annotations = nil }, true),
        ("a finalizer", changed { $0.finalizers = ["modelship.dev/cleanup"] }, true),
        ("an owner", changed { $0.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "o", uid: "u")] }, true),
        ("deletion started", changed { $0.deletionTimestamp = "2026-12-02T10:00:00Z" }, true),
        ("a kind without generation", changed { $0.generation = nil }, true),
    ]

    @Test(arguments: cases)
    func specOrMetadataChangedSkipsOnlyStatusUpdates(_ name: String, _ new: ObjectMeta, _ enqueues: Bool) {
        let old = Self.changed { _ in }
        let skips = PrimaryUpdates.specOrMetadataChanged.skipsUpdate(of: ConfigMap.self)!
        #expect(skips(ConfigMap(metadata: old), ConfigMap(metadata: new)) == !enqueues, "\(name)")
        #expect(PrimaryUpdates.all.skipsUpdate(of: ConfigMap.self) == nil)
    }
}
