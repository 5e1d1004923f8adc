import Foundation
import KubeClient

/// The verbs of one kind: get, list, watch, create, update, patch, delete, and the status and scale subresources.
struct ObjectEndpoints {
    let handler: APIHandler
    let resource: ServedResource
    let path: APIPath
    let request: APIRequest
    var store: ClusterStore { handler.store }

    var verb: String {
        switch request.method {
        case "GET":
            if path.name != nil { return "get" }
            return path.legacyWatch || request.query["watch"] == "true" || request.query["watch"] == "1" ? "watch" : "list"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return path.name == nil ? "deletecollection" : "delete"
        default: return request.method.lowercased()
        }
    }

    func respond() async throws(APIError) -> APIResponse {
        let verb = self.verb
        handler.accessLog.record(.init(userAgent: request.header("user-agent") ?? "", verb: verb, group: resource.group,
                                       resource: resource.plural + (path.subresource.map { "/\($0)" } ?? ""), namespace: path.namespace))
        let (latency, fault) = handler.faults.decide(verb: verb, resource: resource.plural)
        if let latency { try? await Task.sleep(for: latency) }
        if let fault { throw fault }
        if path.namespace != nil, !resource.namespaced { throw handler.notFound(request.path) }
        let subresource = try self.subresource()
        switch verb {
        case "get": return try get(subresource)
        case "list": return try list()
        case "watch": return try watch()
        case "create":
            guard path.name == nil else { throw APIError.methodNotAllowed("POST is not allowed on a named object") }
            let body = try request.jsonBody()
            let warnings = try checkUnknownFields(body)
            let created = try store.create(resourceKey: resource.key, namespace: path.namespace, body: body, dryRun: request.isDryRun,
                                           ownership: .update(manager: request.fieldManager))
            return try answer(created, status: 201).warning(warnings)
        case "update": return try update(subresource)
        case "patch": return try patch(subresource)
        case "delete": return try delete()
        case "deletecollection":
            let deleted = try store.deleteCollection(resourceKey: resource.key, namespace: path.namespace,
                                                     labelSelector: try request.labelSelector, fieldSelector: try fieldSelector(),
                                                     request: try deleteRequest())
            return .json(listBody(deleted, resourceVersion: String(store.currentRevision)))
        default:
            throw APIError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// The request's field selector, refused (400) when it names a field this kind cannot be selected by.
    func fieldSelector() throws(APIError) -> FieldSelector? {
        let selector = try request.fieldSelector
        try FieldLabels.check(selector, for: resource)
        return selector
    }

    func subresource() throws(APIError) -> ClusterStore.Subresource? {
        guard let name = path.subresource else { return nil }
        switch name {
        case "status" where resource.hasStatus: return .status
        case "scale" where resource.scale != nil: return .scale
        default: throw handler.notFound(request.path)
        }
    }

    func name() throws(APIError) -> String {
        guard let name = path.name else { throw APIError.methodNotAllowed("a resource name is required") }
        return name
    }

    // MARK: Reads

    func get(_ subresource: ClusterStore.Subresource?) throws(APIError) -> APIResponse {
        let object = try store.get(resourceKey: resource.key, namespace: path.namespace, name: try name())
        if subresource == .scale { return .json(ScaleView.scale(of: object, resource: resource)) }
        return try answer(object)
    }

    func list() throws(APIError) -> APIResponse {
        let limit = request.query["limit"].flatMap(Int.init)
        let result = try store.list(resourceKey: resource.key, namespace: path.namespace, labelSelector: try request.labelSelector,
                                    fieldSelector: try fieldSelector(), limit: limit, continueToken: request.query["continue"])
        if TableConverter.wantsTable(request.header("accept")) {
            return .json(TableConverter.table(for: resource, objects: result.items, includeObject: request.query["includeObject"],
                                              resourceVersion: result.resourceVersion, continueToken: result.continueToken))
        }
        var body = listBody(result.items, resourceVersion: result.resourceVersion)
        if let token = result.continueToken { body[path: ["metadata", "continue"]] = .string(token) }
        if let remaining = result.remainingItemCount { body[path: ["metadata", "remainingItemCount"]] = .int(remaining) }
        return .json(body)
    }

    func listBody(_ items: [JSONValue], resourceVersion: String) -> JSONValue {
        ["apiVersion": .string(resource.apiVersion), "kind": .string(resource.listKind),
         "metadata": ["resourceVersion": .string(resourceVersion)], "items": .array(items)]
    }

    func watch() throws(APIError) -> APIResponse {
        let timeout = request.query["timeoutSeconds"].flatMap(Int.init).map { Duration.seconds($0) } ?? .seconds(1800)
        let wantsTable = TableConverter.wantsTable(request.header("accept"))
        let resource = self.resource
        let includeObject = request.query["includeObject"]
        let handle: WatchHandle
        do {
            handle = try store.watch(resourceKey: resource.key, namespace: path.namespace, labelSelector: try request.labelSelector,
                                     fieldSelector: try fieldSelector(), resourceVersion: request.query["resourceVersion"])
        } catch where error.code == 410 {
            // As kube-apiserver: the watch opens, then reports 410 Gone as an ERROR event.
            let (stream, continuation) = AsyncStream<WatchMessage>.makeStream()
            continuation.finish()
            let status = (try? JSONValue(encoding: error.status)) ?? .null
            let line = Array((["type": "ERROR", "object": status] as JSONValue).encoded()) + [UInt8(ascii: "\n")]
            return APIResponse(status: 200, watch: WatchResponse(
                handle: WatchHandle(messages: stream, cancel: {}, bookmark: {}), timeout: timeout, bookmarkInterval: nil,
                encode: { _ in line }, prelude: line))
        }
        let bookmarks = request.query["allowWatchBookmarks"] == "true" ? handler.bookmarkInterval : nil
        let encode: @Sendable (WatchMessage) -> [UInt8]? = { message in
            var event: JSONValue
            switch message {
            case .change(let type, let object):
                let payload = wantsTable
                    ? TableConverter.table(for: resource, objects: [object], includeObject: includeObject,
                                           resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue)
                    : object
                event = ["type": .string(type.rawValue), "object": payload]
            case .bookmark(let revision):
                guard bookmarks != nil else { return nil }
                event = ["type": "BOOKMARK", "object": [
                    "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
                    "metadata": ["resourceVersion": .string(String(revision)),
                                 "annotations": ["k8s.io/initial-events-end": "true"]],
                ]]
            }
            return Array(event.encoded()) + [UInt8(ascii: "\n")]
        }
        return APIResponse(status: 200, watch: WatchResponse(handle: handle, timeout: timeout, bookmarkInterval: bookmarks,
                                                             encode: encode, prelude: nil))
    }

    // MARK: Writes

    func update(_ subresource: ClusterStore.Subresource?) throws(APIError) -> APIResponse {
        let name = try name()
        let body = try request.jsonBody()
        if subresource == .scale {
            let updated = try store.modify(resourceKey: resource.key, namespace: path.namespace, name: name, subresource: .scale,
                                           dryRun: request.isDryRun, ownership: .update(manager: request.fieldManager)) {
                (current: JSONValue) throws(APIError) -> JSONValue in
                if let version = body[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty,
                    version != current[path: ["metadata", "resourceVersion"]]?.stringValue
                {
                    throw APIError.conflict(resource, name)
                }
                return ScaleView.applying(body, to: current, resource: resource)
            }
            return .json(ScaleView.scale(of: updated, resource: resource))
        }
        let warnings = try checkUnknownFields(body)
        let updated = try store.update(resourceKey: resource.key, namespace: path.namespace, name: name, body: body,
                                       subresource: subresource, dryRun: request.isDryRun,
                                       ownership: .update(manager: request.fieldManager))
        return try answer(updated).warning(warnings)
    }

    func patch(_ subresource: ClusterStore.Subresource?) throws(APIError) -> APIResponse {
        let name = try name()
        let contentType = request.mediaType
        if contentType == APIRequest.applyPatchType { return try apply(subresource, name: name) }
        if request.query["force"] != nil {
            throw APIError.invalidOptions("force", "Forbidden: may not be specified for non-apply patch")
        }
        let patch = try request.jsonBody()
        let resource = self.resource
        var warnings: [String] = []
        let updated = try store.modify(resourceKey: resource.key, namespace: path.namespace, name: name, subresource: subresource,
                                       dryRun: request.isDryRun, ownership: .update(manager: request.fieldManager)) {
            (current: JSONValue) throws(APIError) -> JSONValue in
            let target = subresource == .scale ? ScaleView.scale(of: current, resource: resource) : current
            let patched = try PatchApplier.apply(patch, contentType: contentType, to: target, resource: resource)
            if subresource == .scale { return ScaleView.applying(patched, to: current, resource: resource) }
            warnings = try checkUnknownFields(patched)
            return patched
        }
        if subresource == .scale { return .json(ScaleView.scale(of: updated, resource: resource)) }
        return try answer(updated).warning(warnings)
    }

    /// Server-side apply (`application/apply-patch+yaml`): YAML or JSON body, `fieldManager` required, `force`
    /// takes conflicting fields over; creates the object when absent (201).
    func apply(_ subresource: ClusterStore.Subresource?, name: String) throws(APIError) -> APIResponse {
        guard subresource != .scale else {
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "apply patches are not supported on the scale subresource")
        }
        guard let manager = request.query["fieldManager"], !manager.isEmpty else {
            throw APIError.invalidOptions("fieldManager", "Required value: is required for apply patch", reason: "FieldValueRequired")
        }
        let config = try request.applyBody()
        let warnings = try checkUnknownFields(config)
        let force = request.query["force"] == "true"
        let result = try store.apply(resourceKey: resource.key, namespace: path.namespace, name: name, config: config,
                                     manager: manager, force: force, subresource: subresource, dryRun: request.isDryRun)
        return try answer(result.object, status: result.created ? 201 : 200).warning(warnings)
    }

    func delete() throws(APIError) -> APIResponse {
        let result = try store.delete(resourceKey: resource.key, namespace: path.namespace, name: try name(), request: try deleteRequest())
        return try answer(result)
    }

    func deleteRequest() throws(APIError) -> ClusterStore.DeleteRequest {
        var options = ClusterStore.DeleteRequest()
        let body = request.body.isEmpty ? nil : try? JSONValue.decode(request.body)
        let policy = request.query["propagationPolicy"] ?? body?["propagationPolicy"]?.stringValue
        if let policy {
            guard let parsed = PropagationPolicy(rawValue: policy) else {
                throw APIError.badRequest("invalid propagationPolicy '\(policy)'")
            }
            options.propagation = parsed
        } else if body?["orphanDependents"]?.boolValue == true || request.query["orphanDependents"] == "true" {
            options.propagation = .orphan
        }
        options.preconditionUID = body?[path: ["preconditions", "uid"]]?.stringValue
        options.preconditionResourceVersion = body?[path: ["preconditions", "resourceVersion"]]?.stringValue
        if let grace = request.query["gracePeriodSeconds"].flatMap({ Int64($0) }) ?? body?["gracePeriodSeconds"]?.intValue {
            options.gracePeriodSeconds = grace
        }
        options.dryRun = request.isDryRun || body?["dryRun"]?.arrayValue?.contains("All") == true
        return options
    }

    /// `fieldValidation`: Strict rejects fields the schema does not know (400, as kube-apiserver's strict
    /// decoding), Warn returns them as warnings, Ignore drops them silently.
    func checkUnknownFields(_ object: JSONValue) throws(APIError) -> [String] {
        let mode = request.query["fieldValidation"] ?? "Ignore"
        guard mode != "Ignore", let schema = resource.structuralSchema else { return [] }
        let unknown = SchemaValidator(resource: resource).unknownFields(object, schema: schema).map { "unknown field \"\($0)\"" }
        guard !unknown.isEmpty else { return [] }
        if mode == "Strict" {
            throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): "
                                      + "strict decoding error: \(unknown.joined(separator: ", "))")
        }
        return unknown
    }

    func answer(_ object: JSONValue, status: Int = 200) throws(APIError) -> APIResponse {
        if TableConverter.wantsTable(request.header("accept")) {
            return .json(TableConverter.table(for: resource, objects: [object], includeObject: request.query["includeObject"],
                                              resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue), status: status)
        }
        return .json(object, status: status)
    }
}
