import Synchronization
import KubeClient

extension ClusterStore {
    /// Server-side apply: merges `config` into the object as `manager`'s intent, tracking field ownership;
    /// creates the object when it does not exist (`created` is then true, for a 201).
    public func apply(resourceKey: ResourceKey, namespace: String?, name: String, config: JSONValue, manager: String,
                      force: Bool, subresource: Subresource? = nil, dryRun: Bool = false)
        throws(APIError) -> (object: JSONValue, created: Bool)
    {
        let resource = try resource(resourceKey)
        try checkAppliedIdentity(config, resource: resource, name: name)
        return try state.withLock { (state: inout State) throws(APIError) -> (object: JSONValue, created: Bool) in
            let key = ObjectKey(namespace: resource.namespaced ? namespace ?? "" : "", name: name)
            if let current = state.objects[resourceKey]?[key] {
                if let expected = config[path: ["metadata", "resourceVersion"]]?.stringValue, !expected.isEmpty,
                    expected != current[path: ["metadata", "resourceVersion"]]?.stringValue
                {
                    throw APIError.conflict(resource, name)
                }
                let merged = try fieldManager(resource, subresource: subresource)
                    .apply(live: current, config: config, manager: manager, force: force)
                let updated = try applyUpdate(&state, resource: resource, key: key, current: current, incoming: merged,
                                              subresource: subresource, dryRun: dryRun, ownership: .applied)
                return (updated, false)
            }
            guard subresource == nil else { throw APIError.notFound(resource, name) }
            if let uid = config[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Operation cannot be fulfilled on \(resource.key) \"\(name)\": uid mismatch: the provided "
                                   + "object specified uid \(uid), and no existing object was found",
                               details: .init(name: name, group: resource.group, kind: resource.plural))
            }
            let merged = try fieldManager(resource, subresource: nil).apply(live: nil, config: config, manager: manager, force: force)
            var body = merged
            body[path: ["metadata", "name"]] = .string(name)
            let (object, newKey) = try newObject(resource: resource, namespace: namespace, body: body)
            return (try insert(&state, resource: resource, key: newKey, object: object, dryRun: dryRun, ownership: .applied), true)
        }
    }

    /// An applied configuration names its kind fully and the object of the URL.
    func checkAppliedIdentity(_ config: JSONValue, resource: ServedResource, name: String) throws(APIError) {
        guard case .object = config else { throw APIError.badRequest("error decoding patch: the applied configuration is not an object") }
        let apiVersion = config["apiVersion"]?.stringValue ?? ""
        let kind = config["kind"]?.stringValue ?? ""
        guard apiVersion == resource.apiVersion, kind == resource.kind else {
            // Go's GroupVersionKind spelling: "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap".
            throw APIError.badRequest("invalid object type: \(apiVersion.contains("/") ? apiVersion : "/" + apiVersion), Kind=\(kind)")
        }
        if let bodyName = config[path: ["metadata", "name"]]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
    }
}
