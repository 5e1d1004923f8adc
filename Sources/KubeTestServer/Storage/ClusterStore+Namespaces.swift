import Synchronization
import KubeClient

extension ClusterStore {
    static let namespacesKey = ResourceKey(group: "", plural: "namespaces")

    /// Namespace deletion: phase Terminating, everything inside deleted, the namespace removed once empty.
    func terminateNamespace(_ state: inout State, resource: ServedResource, key: ObjectKey, current: JSONValue) -> JSONValue {
        var namespace = current
        if namespace[path: ["metadata", "deletionTimestamp"]] == nil {
            namespace[path: ["metadata", "deletionTimestamp"]] = .string(KubeTime.format(clock()))
            namespace[path: ["status", "phase"]] = "Terminating"
            namespace = commit(&state, resource: resource, key: key, object: namespace, type: .modified, previous: current)
        }
        for (resourceKey, objects) in state.objects {
            guard let contained = state.resources[resourceKey], contained.namespaced else { continue }
            for (objectKey, object) in objects where objectKey.namespace == key.name {
                if object[path: ["metadata", "deletionTimestamp"]] == nil {
                    _ = markOrRemove(&state, resource: contained, key: objectKey, current: object, propagation: .background)
                }
            }
        }
        _ = finishTerminatingNamespaces(&state)
        return state.objects[Self.namespacesKey]?[key] ?? namespace
    }

    /// Removes terminating namespaces that hold no objects any more; true if any was removed.
    func finishTerminatingNamespaces(_ state: inout State) -> Bool {
        guard let namespaces = state.resources[Self.namespacesKey] else { return false }
        var removed = false
        for (key, namespace) in state.objects[Self.namespacesKey] ?? [:]
        where namespace[path: ["metadata", "deletionTimestamp"]] != nil {
            let finalizers = namespace[path: ["metadata", "finalizers"]]?.arrayValue ?? []
            let empty = !state.objects.contains { resourceKey, objects in
                resourceKey != Self.namespacesKey && objects.keys.contains { $0.namespace == key.name }
            }
            if empty && finalizers.isEmpty {
                remove(&state, resource: namespaces, key: key, last: namespace)
                removed = true
            }
        }
        return removed
    }
}
