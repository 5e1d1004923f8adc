import Foundation
import KubeClient

/// OpenAPI v3 documents, to the extent kubectl reads them: the index of group-versions, and per
/// group-version the paths (whose PATCH operations declare `fieldValidation`, which tells kubectl to
/// let the server validate) and schemas tagged with their group-version-kind (for `kubectl explain`).
enum OpenAPIDocuments {
    static func index(_ resources: [ServedResource]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for groupVersion in Set(resources.map(\.groupVersion)) {
            let path = prefix(groupVersion)
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash(resources, groupVersion))")]
        }
        return ["paths": .object(paths)]
    }

    /// "api/v1" or "apis/apps/v1".
    static func prefix(_ groupVersion: String) -> String {
        groupVersion.contains("/") ? "apis/\(groupVersion)" : "api/\(groupVersion)"
    }

    /// Changes whenever the served kinds or their schemas change, so clients re-fetch.
    static func hash(_ resources: [ServedResource], _ groupVersion: String) -> String {
        let relevant = resources.filter { $0.groupVersion == groupVersion }.sorted { $0.plural < $1.plural }
        let content = relevant.map { $0.plural + $0.kind + ($0.schema?.jsonString ?? "") }.joined()
        return String(FNV1a.hash(content.utf8), radix: 16, uppercase: true)
    }

    static func document(groupVersionPath: String, _ resources: [ServedResource]) -> JSONValue? {
        let relevant = resources.filter { prefix($0.groupVersion) == groupVersionPath }
        guard !relevant.isEmpty else { return nil }
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = [:]
        for resource in relevant {
            let gvk: JSONValue = ["group": .string(resource.group), "version": .string(resource.version), "kind": .string(resource.kind)]
            let name: String
            if let builtin = BuiltinSchemas.definitionName(resource) {
                name = builtin
                schemas.merge(BuiltinSchemas.closure(of: [builtin])) { first, _ in first }
            } else {
                name = schemaName(resource)
                schemas[name] = customResourceSchema(resource, gvk: gvk)
                schemas.merge(BuiltinSchemas.closure(of: [BuiltinSchemas.objectMeta])) { first, _ in first }
            }
            let base = "/" + groupVersionPath + (resource.namespaced ? "/namespaces/{namespace}" : "") + "/" + resource.plural
            paths[base] = collectionOperations(resource, gvk: gvk, schemaName: name)
            paths[base + "/{name}"] = objectOperations(resource, gvk: gvk, schemaName: name)
            if resource.hasStatus { paths[base + "/{name}/status"] = objectOperations(resource, gvk: gvk, schemaName: name) }
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(DiscoveryDocuments.kubernetesVersion.git)],
                "paths": .object(paths), "components": ["schemas": .object(schemas)]]
    }

    /// As the apiextensions server publishes a CRD's schema: its own, with the standard fields and ObjectMeta.
    static func customResourceSchema(_ resource: ServedResource, gvk: JSONValue) -> JSONValue {
        var schema = resource.schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        schema["x-kubernetes-group-version-kind"] = [gvk]
        schema[path: ["properties", "metadata"]] = [
            "allOf": [["$ref": .string(BuiltinSchemas.reference + BuiltinSchemas.objectMeta)]],
            "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        ]
        schema[path: ["properties", "apiVersion"]] = ["type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."]
        schema[path: ["properties", "kind"]] = ["type": "string", "description": "Kind is a string value representing the REST resource this object represents."]
        return schema
    }

    static func schemaName(_ resource: ServedResource) -> String {
        let reversed = resource.group.split(separator: ".").reversed().joined(separator: ".")
        return "\(reversed).\(resource.version).\(resource.kind)"
    }

    static let writeParameters: [JSONValue] = [
        ["name": "dryRun", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
        ["name": "fieldManager", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
        ["name": "fieldValidation", "in": "query",
         "description": "Ignore, Warn or Strict: how the server treats fields the schema does not know.",
         "schema": ["type": "string", "uniqueItems": true]],
    ]

    static func operation(_ action: String, _ resource: ServedResource, gvk: JSONValue, schemaName: String,
                          parameters: [JSONValue] = [], body: Bool = false) -> JSONValue {
        var operation: JSONValue = [
            "operationId": .string("\(action)\(resource.kind)"),
            "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": gvk,
            "parameters": .array(parameters),
            "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(schemaName)")]]]]],
        ]
        if body {
            operation["requestBody"] = ["content": ["*/*": ["schema": ["$ref": .string("#/components/schemas/\(schemaName)")]]]]
        }
        return operation
    }

    static func collectionOperations(_ resource: ServedResource, gvk: JSONValue, schemaName: String) -> JSONValue {
        ["get": operation("list", resource, gvk: gvk, schemaName: schemaName),
         "post": operation("post", resource, gvk: gvk, schemaName: schemaName, parameters: writeParameters, body: true)]
    }

    static func objectOperations(_ resource: ServedResource, gvk: JSONValue, schemaName: String) -> JSONValue {
        ["get": operation("get", resource, gvk: gvk, schemaName: schemaName),
         "put": operation("put", resource, gvk: gvk, schemaName: schemaName, parameters: writeParameters, body: true),
         "patch": operation("patch", resource, gvk: gvk, schemaName: schemaName,
                            parameters: writeParameters + [["name": "force", "in": "query", "schema": ["type": "boolean", "uniqueItems": true]]],
                            body: true),
         "delete": operation("delete", resource, gvk: gvk, schemaName: schemaName)]
    }
}
