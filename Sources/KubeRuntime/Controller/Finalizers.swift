import KubeClient

/// Adds and removes one finalizer with JSON patches guarded by `test`, so it can never remove another
/// controller's finalizer or overwrite one added concurrently (the patch fails instead, and the
/// reconcile retries on fresh data).
///
/// Guarantees, as kube-rs writes them down: `cleanup` runs only for objects being deleted that still
/// carry our finalizer; the finalizer is removed only after `cleanup` succeeded; `apply` runs only once
/// the finalizer is in place, so every object we acted on gets its cleanup.
public enum Finalizers {
    public enum Event: Sendable {
        case apply
        case cleanup
    }

    public static func run<R: KubeResource>(
        _ object: R, finalizer: String, api: Api<R>,
        apply: () async throws -> ReconcileAction, cleanup: () async throws -> ReconcileAction
    ) async throws -> ReconcileAction {
        let finalizers = object.metadata.finalizers ?? []
        let present = finalizers.contains(finalizer)
        if object.metadata.deletionTimestamp != nil {
            guard present else { return .awaitChange }
            let action = try await cleanup()
            try await remove(finalizer, from: object, api: api)
            return action
        }
        if !present {
            try await add(finalizer, to: object, api: api)
            return .awaitChange  // the patch's watch event brings the object back with the finalizer on it
        }
        return try await apply()
    }

    public static func add<R: KubeResource>(_ finalizer: String, to object: R, api: Api<R>) async throws(KubeError) {
        let operations: [JSONPatchOperation]
        if let current = object.metadata.finalizers {
            operations = [.test("/metadata/finalizers", .array(current.map { .string($0) })),
                          .add("/metadata/finalizers/-", .string(finalizer))]
        } else {
            operations = [.test("/metadata/resourceVersion", .string(object.metadata.resourceVersion ?? "")),
                          .add("/metadata/finalizers", [.string(finalizer)])]
        }
        _ = try await api.patch(object.name, .json(operations))
    }

    public static func remove<R: KubeResource>(_ finalizer: String, from object: R, api: Api<R>) async throws(KubeError) {
        guard let index = object.metadata.finalizers?.firstIndex(of: finalizer) else { return }
        let path = "/metadata/finalizers/\(index)"
        do {
            _ = try await api.patch(object.name, .json([.test(path, .string(finalizer)), .remove(path)]))
        } catch {
            guard error.isNotFound else { throw error }
        }
    }
}
