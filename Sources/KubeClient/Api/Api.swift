import Foundation

/// Typed access to one kind, in one namespace or across all: get, list, create, replace, patch, delete,
/// status and scale subresources, watch.
public struct Api<R: KubeResource>: Sendable {
    public let client: KubeClient
    public let resourceType: ResourceType
    /// nil: all namespaces for list/watch, and the object's own namespace for single-object calls.
    public let namespace: String?

    public init(client: KubeClient, namespace: String? = nil) {
        self.client = client
        self.resourceType = R.resourceType
        self.namespace = R.resourceType.namespaced ? namespace : nil
    }

    /// For kinds known only at run time (`DynamicObject`).
    public init(client: KubeClient, dynamic resourceType: ResourceType, namespace: String? = nil) {
        self.client = client
        self.resourceType = resourceType
        self.namespace = resourceType.namespaced ? namespace : nil
    }

    // MARK: Paths

    func collectionPath(namespace: String?) -> String {
        if resourceType.namespaced, let namespace {
            return "\(resourceType.basePath)/namespaces/\(namespace)/\(resourceType.plural)"
        }
        return "\(resourceType.basePath)/\(resourceType.plural)"
    }

    func objectPath(_ name: String, namespace: String? = nil, subresource: String? = nil) throws(KubeError) -> String {
        let namespace = namespace ?? self.namespace
        if resourceType.namespaced && namespace == nil {
            throw .configuration("\(resourceType) is namespaced: name a namespace for '\(name)'")
        }
        let path = collectionPath(namespace: namespace) + "/" + name
        return subresource.map { path + "/" + $0 } ?? path
    }

    // MARK: Reads

    public func get(_ name: String) async throws(KubeError) -> R {
        try decode(try await client.send("GET", path: try objectPath(name)))
    }

    /// nil when the object does not exist.
    public func getIfPresent(_ name: String) async throws(KubeError) -> R? {
        do { return try await get(name) } catch .notFound { return nil }
    }

    /// One page of a list.
    public func list(_ options: ListOptions = .init()) async throws(KubeError) -> ObjectList<R> {
        let data = try await client.send("GET", path: collectionPath(namespace: namespace), query: options.query)
        let json = try parse(data)
        // A list whose metadata cannot be read is an error: without its resourceVersion a watch would start from "0".
        let metadata: ListMeta
        do { metadata = try json["metadata"]?.decode(as: ListMeta.self) ?? ListMeta() } catch {
            throw .decoding("cannot decode the \(resourceType.kind) list's metadata: \(error)")
        }
        var items: [R] = []
        for item in json["items"]?.arrayValue ?? [] {
            items.append(try decode(item))
        }
        return ObjectList(metadata: metadata, items: items)
    }

    /// Every object, following `continue` tokens page by page.
    public func listAll(_ options: ListOptions = .init(), pageSize: Int = 500) async throws(KubeError) -> ObjectList<R> {
        var options = options
        options.limit = pageSize
        var items: [R] = []
        while true {
            let page = try await list(options)
            items += page.items
            guard let token = page.metadata.continue, !token.isEmpty else {
                return ObjectList(metadata: page.metadata, items: items)
            }
            options.continueToken = token
        }
    }

    // MARK: Writes

    public func create(_ object: R, options: WriteOptions = .init()) async throws(KubeError) -> R {
        let body = try encode(object)
        return try decode(try await client.send("POST", path: collectionPath(namespace: namespace ?? object.metadata.namespace),
                                                query: options.query, body: body))
    }

    /// POST of an object given as JSON, as sent (apiVersion and kind filled in when missing): no round trip
    /// through the typed value, for callers that build their objects as JSON.
    public func create(json: JSONValue, options: WriteOptions = .init()) async throws(KubeError) -> R {
        var json = json
        if json["apiVersion"] == nil { json["apiVersion"] = .string(resourceType.apiVersion) }
        if json["kind"] == nil { json["kind"] = .string(resourceType.kind) }
        let namespace = namespace ?? json[path: ["metadata", "namespace"]]?.stringValue
        return try decode(try await client.send("POST", path: collectionPath(namespace: namespace), query: options.query,
                                                body: json.encoded()))
    }

    /// PUT: fails with `.conflict` when `object.metadata.resourceVersion` is stale. Unknown fields are kept.
    public func replace(_ object: R, options: WriteOptions = .init()) async throws(KubeError) -> R {
        try decode(try await client.send("PUT", path: try objectPath(object.name, namespace: object.metadata.namespace),
                                         query: options.query, body: try encode(object)))
    }

    /// Read, change, write; retried on conflict with a fresh read.
    public func update(_ name: String, attempts: Int = 5, _ mutate: (inout R) throws -> Void) async throws -> R {
        var attempt = 0
        while true {
            var object = try await get(name)
            try mutate(&object)
            do {
                return try await replace(object)
            } catch let error {
                guard error.isConflict, attempt + 1 < attempts else { throw error }
                attempt += 1
            }
        }
    }

    public func patch(_ name: String, _ patch: Patch, options: WriteOptions = .init()) async throws(KubeError) -> R {
        try decode(try await sendPatch(try objectPath(name), patch, options: options))
    }

    /// Deletes; returns the object while finalizers hold it, nil once it is gone.
    @discardableResult
    public func delete(_ name: String, options: DeleteOptions = .init()) async throws(KubeError) -> R? {
        let body = try? KubeJSON.encoder.encode(options)
        let data = try await client.send("DELETE", path: try objectPath(name), body: body)
        let json = try parse(data)
        if json["kind"]?.stringValue == "Status" { return nil }
        return try decode(json)
    }

    public func deleteCollection(_ options: ListOptions = .init(), delete: DeleteOptions = .init()) async throws(KubeError) {
        let body = try? KubeJSON.encoder.encode(delete)
        _ = try await client.send("DELETE", path: collectionPath(namespace: namespace), query: options.query, body: body)
    }

    // MARK: Subresources

    public func getStatus(_ name: String) async throws(KubeError) -> R {
        try decode(try await client.send("GET", path: try objectPath(name, subresource: "status")))
    }

    public func replaceStatus(_ object: R, options: WriteOptions = .init()) async throws(KubeError) -> R {
        let path = try objectPath(object.name, namespace: object.metadata.namespace, subresource: "status")
        return try decode(try await client.send("PUT", path: path, query: options.query, body: try encode(object)))
    }

    public func patchStatus(_ name: String, _ patch: Patch, options: WriteOptions = .init()) async throws(KubeError) -> R {
        try decode(try await sendPatch(try objectPath(name, subresource: "status"), patch, options: options))
    }

    public func getScale(_ name: String) async throws(KubeError) -> Scale {
        let data = try await client.send("GET", path: try objectPath(name, subresource: "scale"))
        do { return try KubeJSON.decoder.decode(Scale.self, from: data) } catch { throw .decoding("\(error)") }
    }

    public func patchScale(_ name: String, replicas: Int) async throws(KubeError) -> Scale {
        let data = try await sendPatch(try objectPath(name, subresource: "scale"), .merge(["spec": ["replicas": .int(Int64(replicas))]]),
                                       options: .init())
        do { return try KubeJSON.decoder.decode(Scale.self, from: data) } catch { throw .decoding("\(error)") }
    }

    // MARK: Coding

    func sendPatch(_ path: String, _ patch: Patch, options: WriteOptions) async throws(KubeError) -> Data {
        var query = options.query
        if case .apply(_, let force) = patch {
            if options.fieldManager == nil { query.append(.init(name: "fieldManager", value: "modelship")) }
            if force { query.append(.init(name: "force", value: "true")) }
        }
        return try await client.send("PATCH", path: path, query: query, body: try patch.body(), contentType: patch.contentType)
    }

    func encode(_ object: R) throws(KubeError) -> Data {
        do {
            var json = try object.jsonPreservingUnknownFields()
            if R.self != DynamicObject.self {
                json["apiVersion"] = .string(resourceType.apiVersion)
                json["kind"] = .string(resourceType.kind)
            }
            return json.encoded()
        } catch {
            throw .decoding("cannot encode \(resourceType.kind): \(error)")
        }
    }

    func parse(_ data: Data) throws(KubeError) -> JSONValue {
        do { return try JSONValue.decode(data) } catch { throw .decoding("response is not JSON: \(error)") }
    }

    func decode(_ data: Data) throws(KubeError) -> R { try decode(try parse(data)) }

    func decode(_ json: JSONValue) throws(KubeError) -> R {
        var json = json
        if client.configuration.dropsManagedFields { json[path: ["metadata", "managedFields"]] = nil }
        do { return try R.decodeKeepingRaw(json) } catch {
            throw .decoding("cannot decode \(resourceType.kind): \(error)")
        }
    }
}
