import Synchronization
import Foundation
import KubeClient

extension ClusterStore {
    public enum Subresource: String, Sendable { case status, scale }

    /// Who a write's changes belong to in `metadata.managedFields`.
    public enum FieldOwnership: Sendable {
        /// A create, update or non-apply patch by this manager.
        case update(manager: String)
        /// Server-side apply: the object already carries the list the field manager computed.
        case applied
    }

    /// The manager of writes made by the simulated cluster controllers, as on a real control plane.
    public static let controllerManager = FieldOwnership.update(manager: "kube-controller-manager")

    /// POST: assigns name (generateName), uid, timestamps, resourceVersion, generation; applies defaults; validates.
    public func create(resourceKey: ResourceKey, namespace: String?, body: JSONValue, dryRun: Bool = false,
                       ownership: FieldOwnership = controllerManager) throws(APIError) -> JSONValue
    {
        let resource = try resource(resourceKey)
        let (object, key) = try newObject(resource: resource, namespace: namespace, body: body)
        return try state.withLock { (state: inout State) throws(APIError) -> JSONValue in
            try insert(&state, resource: resource, key: key, object: object, dryRun: dryRun, ownership: ownership)
        }
    }

    /// The object a create stores, before defaulting: identity, timestamps and generation assigned.
    func newObject(resource: ServedResource, namespace: String?, body: JSONValue) throws(APIError) -> (JSONValue, ObjectKey) {
        var object = body
        guard case .object = object else { throw APIError.badRequest("the body of the request was not a JSON object") }
        try checkKind(object, resource)
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        var metadata = object["metadata"]?.objectValue ?? [:]
        if resource.namespaced {
            let bodyNamespace = metadata["namespace"]?.stringValue
            guard let target = namespace ?? bodyNamespace else { throw APIError.badRequest("a namespace is required") }
            if let bodyNamespace, !bodyNamespace.isEmpty, bodyNamespace != target {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(target)
        } else {
            metadata.removeValue(forKey: "namespace")
        }
        if metadata["name"]?.stringValue?.isEmpty ?? true, let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty {
            metadata["name"] = .string(prefix + Self.randomSuffix())
        }
        guard let name = metadata["name"]?.stringValue, !name.isEmpty else {
            throw APIError.invalid(resource, "", causes: [.required("metadata.name")])
        }
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(KubeTime.format(clock()))
        metadata.removeValue(forKey: "deletionTimestamp")
        metadata.removeValue(forKey: "resourceVersion")
        if resource.tracksGeneration { metadata["generation"] = 1 } else { metadata.removeValue(forKey: "generation") }
        object["metadata"] = .object(metadata)
        if resource.hasStatus { object["status"] = nil }
        return (object, ObjectKey(namespace: metadata["namespace"]?.stringValue ?? "", name: name))
    }

    func insert(_ state: inout State, resource: ServedResource, key: ObjectKey, object: JSONValue, dryRun: Bool,
                ownership: FieldOwnership) throws(APIError) -> JSONValue
    {
        var object = object
        if resource.namespaced { try Self.requireActiveNamespace(key.namespace, in: state) }
        try Defaulting.apply(to: &object, resource: resource, previous: nil, state: &state)
        try Validation.validate(object, resource: resource, store: state)
        guard state.objects[resource.key]?[key] == nil else { throw APIError.alreadyExists(resource, key.name) }
        if case .update(let manager) = ownership {
            try fieldManager(resource, subresource: nil).recordUpdate(old: nil, new: &object, manager: manager)
        }
        if dryRun { return object }
        return commit(&state, resource: resource, key: key, object: object, type: .added, previous: nil)
    }

    func fieldManager(_ resource: ServedResource, subresource: Subresource?) -> FieldManager {
        FieldManager(resource: resource, now: KubeTime.format(clock()), subresource: subresource?.rawValue)
    }

    /// PUT: optimistic concurrency on resourceVersion; spec writes keep status and status writes keep spec.
    public func update(resourceKey: ResourceKey, namespace: String?, name: String, body: JSONValue,
                       subresource: Subresource? = nil, dryRun: Bool = false,
                       ownership: FieldOwnership = controllerManager) throws(APIError) -> JSONValue
    {
        let resource = try resource(resourceKey)
        guard case .object = body else { throw APIError.badRequest("the body of the request was not a JSON object") }
        try checkKind(body, resource, allowScale: subresource == .scale)
        if let bodyName = body[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        return try state.withLock { (state: inout State) throws(APIError) -> JSONValue in
            let key = ObjectKey(namespace: resource.namespaced ? namespace ?? "" : "", name: name)
            guard let current = state.objects[resourceKey]?[key] else { throw APIError.notFound(resource, name) }
            if let expected = body[path: ["metadata", "resourceVersion"]]?.stringValue, !expected.isEmpty,
                expected != current[path: ["metadata", "resourceVersion"]]?.stringValue
            {
                throw APIError.conflict(resource, name)
            }
            return try applyUpdate(&state, resource: resource, key: key, current: current, incoming: body,
                                   subresource: subresource, dryRun: dryRun, ownership: ownership)
        }
    }

    /// PATCH and other read-modify-writes, atomically: `transform` sees the current object.
    public func modify(resourceKey: ResourceKey, namespace: String?, name: String, subresource: Subresource? = nil,
                       dryRun: Bool = false, ownership: FieldOwnership = controllerManager,
                       _ transform: (JSONValue) throws(APIError) -> JSONValue) throws(APIError) -> JSONValue
    {
        let resource = try resource(resourceKey)
        return try state.withLock { (state: inout State) throws(APIError) -> JSONValue in
            let key = ObjectKey(namespace: resource.namespaced ? namespace ?? "" : "", name: name)
            guard let current = state.objects[resourceKey]?[key] else { throw APIError.notFound(resource, name) }
            let incoming = try transform(current)
            guard case .object = incoming else { throw APIError.badRequest("the patch did not produce a JSON object") }
            let currentVersion = current[path: ["metadata", "resourceVersion"]]?.stringValue
            if let version = incoming[path: ["metadata", "resourceVersion"]]?.stringValue, version != currentVersion {
                throw APIError.conflict(resource, name)
            }
            return try applyUpdate(&state, resource: resource, key: key, current: current, incoming: incoming,
                                   subresource: subresource, dryRun: dryRun, ownership: ownership)
        }
    }

    func applyUpdate(_ state: inout State, resource: ServedResource, key: ObjectKey, current: JSONValue, incoming: JSONValue,
                     subresource: Subresource?, dryRun: Bool, ownership: FieldOwnership) throws(APIError) -> JSONValue
    {
        var object: JSONValue
        switch subresource {
        case .status:
            object = current
            object["status"] = incoming["status"]
            if case .applied = ownership { object[path: ["metadata", "managedFields"]] = incoming[path: ["metadata", "managedFields"]] }
        case .scale, nil:
            object = incoming
            object["apiVersion"] = .string(resource.apiVersion)
            object["kind"] = .string(resource.kind)
            if resource.hasStatus { object["status"] = current["status"] }
            object["metadata"] = .object(Self.carryImmutableMetadata(from: current, into: incoming))
        }
        try Defaulting.apply(to: &object, resource: resource, previous: current, state: &state)
        try Validation.validate(object, resource: resource, store: state)
        try Self.refuseNewFinalizersWhileDeleting(current, object, resource: resource, name: key.name)
        if resource.tracksGeneration, Self.specChanged(current, object) {
            object[path: ["metadata", "generation"]] = .int((current[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
        }
        if case .update(let manager) = ownership {
            try fieldManager(resource, subresource: subresource).recordUpdate(old: current, new: &object, manager: manager)
        }
        var comparable = object
        comparable[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]]
        if comparable == current { return current }
        if dryRun { return object }
        // The last finalizer went: the deletion completes. (A terminating pod has none and a deletion timestamp
        // while its kubelet stops it; its status writes must not remove it.)
        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        let hadFinalizers = !(current[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty
        if current[path: ["metadata", "deletionTimestamp"]] != nil, finalizers.isEmpty, hadFinalizers {
            let removed = remove(&state, resource: resource, key: key, last: object)
            collectGarbage(&state)
            return removed
        }
        return commit(&state, resource: resource, key: key, object: object, type: .modified, previous: current)
    }

    /// kube-apiserver's rule: an object being deleted may lose finalizers but gain none (422).
    static func refuseNewFinalizersWhileDeleting(_ current: JSONValue, _ object: JSONValue, resource: ServedResource, name: String)
        throws(APIError)
    {
        guard current[path: ["metadata", "deletionTimestamp"]] != nil else { return }
        let before = Set((current[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue))
        let added = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue).filter { !before.contains($0) }
        guard !added.isEmpty else { return }
        let list = added.map { "\"\($0)\"" }.joined(separator: ", ")
        throw APIError.invalid(resource, name, causes: [.init(
            reason: "FieldValueForbidden",
            message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(list)}",
            field: "metadata.finalizers")])
    }

    /// Stores the object under the next revision and tells the watchers.
    @discardableResult
    func commit(_ state: inout State, resource: ServedResource, key: ObjectKey, object: JSONValue, type: ChangeType,
                previous: JSONValue?) -> JSONValue
    {
        state.revision += 1
        var stored = object
        stored[path: ["metadata", "resourceVersion"]] = .string(String(state.revision))
        let ref = ObjectRefKey(resource: resource.key, key: key)
        if let previous = state.objects[resource.key]?[key] { state.indexOwners(of: previous, at: ref, adding: false) }
        state.indexOwners(of: stored, at: ref, adding: true)
        state.objects[resource.key, default: [:]][key] = stored
        if let uid = stored[path: ["metadata", "uid"]]?.stringValue { state.uids[uid] = (resource.key, key) }
        publish(&state, Change(revision: state.revision, type: type, resourceKey: resource.key, object: stored, previous: previous))
        if resource.key == CRDRegistry.crdKey { CRDRegistry.sync(&state, crd: stored) }
        return stored
    }

    static func carryImmutableMetadata(from current: JSONValue, into incoming: JSONValue) -> [String: JSONValue] {
        var metadata = incoming["metadata"]?.objectValue ?? [:]
        for field in ["uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "generation",
                      "deletionGracePeriodSeconds"]
        {
            metadata[field] = current[path: ["metadata", field]]
        }
        return metadata
    }

    static func specChanged(_ old: JSONValue, _ new: JSONValue) -> Bool {
        var oldBody = old.objectValue ?? [:]
        var newBody = new.objectValue ?? [:]
        for key in ["metadata", "status", "apiVersion", "kind"] {
            oldBody.removeValue(forKey: key)
            newBody.removeValue(forKey: key)
        }
        return oldBody != newBody
    }

    func checkKind(_ object: JSONValue, _ resource: ServedResource, allowScale: Bool = false) throws(APIError) {
        if let kind = object["kind"]?.stringValue, kind != resource.kind, !(allowScale && kind == "Scale") {
            throw APIError.badRequest("the kind \(kind) does not match the resource \(resource.key) (kind \(resource.kind))")
        }
    }

    static func requireActiveNamespace(_ namespace: String, in state: State) throws(APIError) {
        let namespaces = ResourceKey(group: "", plural: "namespaces")
        guard let object = state.objects[namespaces]?[ObjectKey(namespace: "", name: namespace)] else {
            throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                           details: .init(name: namespace, kind: "namespaces"))
        }
        if object[path: ["metadata", "deletionTimestamp"]] != nil {
            throw APIError(code: 403, reason: "Forbidden",
                           message: "unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
