import Synchronization
import Foundation
import KubeClient

extension ClusterStore {
    public struct DeleteRequest: Sendable {
        public var propagation: PropagationPolicy?
        public var preconditionUID: String?
        public var preconditionResourceVersion: String?
        public var dryRun = false
        /// DeleteOptions.gracePeriodSeconds; only pods a kubelet runs use it.
        public var gracePeriodSeconds: Int64?
        public init(propagation: PropagationPolicy? = nil) { self.propagation = propagation }
    }

    /// DELETE: marks objects that have finalizers, removes the rest; then collects garbage.
    /// Returns the object as it is after the call (marked, or as last seen when removed).
    public func delete(resourceKey: ResourceKey, namespace: String?, name: String, request: DeleteRequest = .init())
        throws(APIError) -> JSONValue
    {
        let resource = try resource(resourceKey)
        return try state.withLock { (state: inout State) throws(APIError) -> JSONValue in
            let key = ObjectKey(namespace: resource.namespaced ? namespace ?? "" : "", name: name)
            guard let current = state.objects[resourceKey]?[key] else { throw APIError.notFound(resource, name) }
            if let uid = request.preconditionUID, uid != current[path: ["metadata", "uid"]]?.stringValue {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Precondition failed: UID in precondition: \(uid), UID in object meta: "
                                   + (current[path: ["metadata", "uid"]]?.stringValue ?? ""))
            }
            if let version = request.preconditionResourceVersion,
                version != current[path: ["metadata", "resourceVersion"]]?.stringValue
            {
                throw APIError(code: 409, reason: "Conflict", message: "Precondition failed: resourceVersion \(version) is stale")
            }
            if request.dryRun { return current }
            let result = markOrRemove(&state, resource: resource, key: key, current: current,
                                      propagation: request.propagation ?? Self.defaultPropagation(resource),
                                      grace: request.gracePeriodSeconds)
            collectGarbage(&state)
            return result
        }
    }

    /// Deletes every object of a kind (in a namespace) that matches the selectors.
    public func deleteCollection(resourceKey: ResourceKey, namespace: String?, labelSelector: LabelSelector?,
                                 fieldSelector: FieldSelector?, request: DeleteRequest = .init()) throws(APIError) -> [JSONValue]
    {
        let items = try list(resourceKey: resourceKey, namespace: namespace, labelSelector: labelSelector,
                             fieldSelector: fieldSelector).items
        var deleted: [JSONValue] = []
        for item in items {
            guard let name = item[path: ["metadata", "name"]]?.stringValue else { continue }
            do {
                deleted.append(try delete(resourceKey: resourceKey, namespace: item[path: ["metadata", "namespace"]]?.stringValue,
                                          name: name, request: request))
            } catch where error.code == 404 {
                continue
            }
        }
        return deleted
    }

    static func defaultPropagation(_ resource: ServedResource) -> PropagationPolicy {
        // Jobs and CronJobs orphan by default through the REST API (a known Kubernetes quirk).
        resource.group == "batch" ? .orphan : .background
    }

    func markOrRemove(_ state: inout State, resource: ServedResource, key: ObjectKey, current: JSONValue,
                      propagation: PropagationPolicy, grace: Int64? = nil) -> JSONValue
    {
        if let marked = markTerminatingPod(&state, resource: resource, key: key, current: current, grace: grace) { return marked }
        var finalizers = current[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if propagation == .orphan { orphanDependents(&state, of: current) }
        if propagation == .foreground, !finalizers.contains("foregroundDeletion"), hasDependents(state, of: current) {
            finalizers.append("foregroundDeletion")
        }
        if resource.key == Self.namespacesKey {
            return terminateNamespace(&state, resource: resource, key: key, current: current)
        }
        guard finalizers.isEmpty else {
            guard current[path: ["metadata", "deletionTimestamp"]] == nil || finalizers.count
                != (current[path: ["metadata", "finalizers"]]?.arrayValue ?? []).count
            else { return current }
            var marked = current
            marked[path: ["metadata", "finalizers"]] = .array(finalizers)
            if marked[path: ["metadata", "deletionTimestamp"]] == nil {
                marked[path: ["metadata", "deletionTimestamp"]] = .string(KubeTime.format(clock()))
                marked[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            }
            return commit(&state, resource: resource, key: key, object: marked, type: .modified, previous: current)
        }
        return remove(&state, resource: resource, key: key, last: current)
    }

    /// A pod a kubelet runs is deleted gracefully (kube-apiserver's pod strategy): `deletionTimestamp` is now
    /// plus the grace period, which a later delete may only shorten; the kubelet removes the object (grace 0)
    /// once its containers stopped. Pods nothing runs, finished pods and grace 0 go at once. Nil: not this case.
    func markTerminatingPod(_ state: inout State, resource: ServedResource, key: ObjectKey, current: JSONValue, grace: Int64?) -> JSONValue? {
        guard resource.key == Self.podsKey, let runs = gracefulPods.withLock({ $0 }), runs(current),
            !["Succeeded", "Failed"].contains(current[path: ["status", "phase"]]?.stringValue ?? "")
        else { return nil }
        let seconds = grace ?? current[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
        guard seconds > 0 else { return nil }
        if let existing = current[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue, existing <= seconds { return current }
        var marked = current
        marked[path: ["metadata", "deletionTimestamp"]] = .string(KubeTime.format(clock().addingTimeInterval(TimeInterval(seconds))))
        marked[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(seconds)
        return commit(&state, resource: resource, key: key, object: marked, type: .modified, previous: current)
    }

    @discardableResult
    func remove(_ state: inout State, resource: ServedResource, key: ObjectKey, last: JSONValue) -> JSONValue {
        if let stored = state.objects[resource.key]?.removeValue(forKey: key) {
            state.indexOwners(of: stored, at: ObjectRefKey(resource: resource.key, key: key), adding: false)
        }
        if let uid = last[path: ["metadata", "uid"]]?.stringValue { state.uids[uid] = nil }
        state.revision += 1
        var deleted = last
        deleted[path: ["metadata", "resourceVersion"]] = .string(String(state.revision))
        publish(&state, Change(revision: state.revision, type: .deleted, resourceKey: resource.key, object: deleted, previous: nil))
        if resource.key == CRDRegistry.crdKey { CRDRegistry.unregister(&state, crd: last) }
        return deleted
    }

    /// The garbage collector, run to a fixed point after every deletion: objects whose owners are all gone
    /// are deleted; owners waiting in foreground deletion are released once their dependents are gone;
    /// terminating namespaces finish once empty.
    func collectGarbage(_ state: inout State) {
        var changed = true
        while changed {
            changed = false
            for (resourceKey, objects) in state.objects {
                guard let resource = state.resources[resourceKey] else { continue }
                for (key, object) in objects {
                    if let owners = object[path: ["metadata", "ownerReferences"]]?.arrayValue, !owners.isEmpty,
                        owners.allSatisfy({ state.uids[$0["uid"]?.stringValue ?? ""] == nil }),
                        object[path: ["metadata", "deletionTimestamp"]] == nil
                    {
                        _ = markOrRemove(&state, resource: resource, key: key, current: object, propagation: .background)
                        changed = true
                    } else if object[path: ["metadata", "deletionTimestamp"]] != nil,
                        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue,
                        finalizers.contains("foregroundDeletion"), hasDependents(state, of: object)
                    {
                        if deleteDependents(&state, of: object) { changed = true }
                    } else if object[path: ["metadata", "deletionTimestamp"]] != nil,
                        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue,
                        finalizers.contains("foregroundDeletion"), !hasDependents(state, of: object)
                    {
                        var released = object
                        released[path: ["metadata", "finalizers"]] = .array(finalizers.filter { $0 != "foregroundDeletion" })
                        if released[path: ["metadata", "finalizers"]]?.arrayValue?.isEmpty ?? true {
                            remove(&state, resource: resource, key: key, last: released)
                        } else {
                            commit(&state, resource: resource, key: key, object: released, type: .modified, previous: object)
                        }
                        changed = true
                    }
                }
            }
            if finishTerminatingNamespaces(&state) { changed = true }
        }
    }

    func hasDependents(_ state: State, of owner: JSONValue) -> Bool {
        guard let uid = owner[path: ["metadata", "uid"]]?.stringValue else { return false }
        return !(state.dependents[uid]?.isEmpty ?? true)
    }

    /// Starts deleting the dependents of an owner in foreground deletion; true if any was touched.
    func deleteDependents(_ state: inout State, of owner: JSONValue) -> Bool {
        guard let uid = owner[path: ["metadata", "uid"]]?.stringValue else { return false }
        var touched = false
        for (resourceKey, objects) in state.objects {
            guard let resource = state.resources[resourceKey] else { continue }
            for (key, object) in objects where object[path: ["metadata", "deletionTimestamp"]] == nil {
                guard object[path: ["metadata", "ownerReferences"]]?.arrayValue?.contains(where: { $0["uid"]?.stringValue == uid }) == true
                else { continue }
                _ = markOrRemove(&state, resource: resource, key: key, current: object, propagation: .background)
                touched = true
            }
        }
        return touched
    }

    func orphanDependents(_ state: inout State, of owner: JSONValue) {
        guard let uid = owner[path: ["metadata", "uid"]]?.stringValue else { return }
        for (resourceKey, objects) in state.objects {
            guard let resource = state.resources[resourceKey] else { continue }
            for (key, object) in objects {
                guard let references = object[path: ["metadata", "ownerReferences"]]?.arrayValue,
                    references.contains(where: { $0["uid"]?.stringValue == uid })
                else { continue }
                var orphan = object
                let remaining = references.filter { $0["uid"]?.stringValue != uid }
                orphan[path: ["metadata", "ownerReferences"]] = remaining.isEmpty ? nil : .array(remaining)
                commit(&state, resource: resource, key: key, object: orphan, type: .modified, previous: object)
            }
        }
    }
}
