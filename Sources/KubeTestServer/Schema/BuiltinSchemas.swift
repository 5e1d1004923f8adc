import Foundation
import KubeClient

/// The OpenAPI schemas of the built-in kinds, as Kubernetes v1.31 publishes them (generated into
/// `Resources/builtin-openapi.json` by `scripts/gen-builtin-openapi.py`).
///
/// Two forms: `components` are the definitions with `$ref`s, served in `/openapi/v3` documents as the real
/// server serves them; `structural(for:)` is one kind's schema with every `$ref` resolved, in the shape of a
/// CRD's structural schema, so that unknown-field checks, pruning, strategic merge and server-side apply
/// treat built-in and custom kinds alike.
public enum BuiltinSchemas {
    static let reference = "#/components/schemas/"
    static let objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    /// Definition name -> schema (with `$ref`s and descriptions).
    public static let components: [String: JSONValue] = load()

    /// "group/version/Kind" -> definition name, from each definition's `x-kubernetes-group-version-kind`.
    static let definitionsByKind: [String: String] = {
        var index: [String: String] = [:]
        for (name, schema) in components {
            for gvk in schema["x-kubernetes-group-version-kind"]?.arrayValue ?? [] {
                let key = kindKey(group: gvk["group"]?.stringValue ?? "", version: gvk["version"]?.stringValue ?? "",
                                  kind: gvk["kind"]?.stringValue ?? "")
                index[key] = name
            }
        }
        return index
    }()

    /// Structural schemas of the served built-in kinds, resolved once.
    static let structuralSchemas: [String: JSONValue] = {
        var result: [String: JSONValue] = [:]
        for name in Set(definitionsByKind.values) {
            result[name] = resolve(.object(["$ref": .string(reference + name)]), ancestors: [])
        }
        return result
    }()

    /// ObjectMeta resolved, for the `metadata` of every kind in server-side apply.
    static let structuralObjectMeta: JSONValue? = components[objectMeta].map { _ in
        resolve(.object(["$ref": .string(reference + objectMeta)]), ancestors: [])
    }

    /// ObjectMeta compiled, shared by every kind's root.
    static let objectMetaNode: SchemaNode? = structuralObjectMeta.map { SchemaNode($0) }

    static func kindKey(group: String, version: String, kind: String) -> String { "\(group)/\(version)/\(kind)" }

    public static func definitionName(_ resource: ServedResource) -> String? {
        definitionsByKind[kindKey(group: resource.group, version: resource.version, kind: resource.kind)]
    }

    /// Each built-in kind's compiled root, made once per process rather than once per store.
    static let compiledRoots: [String: SchemaNode] = structuralSchemas.mapValues { SchemaNode.root($0) }

    static func compiledRoot(group: String, version: String, kind: String) -> SchemaNode? {
        definitionsByKind[kindKey(group: group, version: version, kind: kind)].flatMap { compiledRoots[$0] }
    }

    public static func structural(for resource: ServedResource) -> JSONValue? {
        definitionName(resource).flatMap { structuralSchemas[$0] }
    }

    /// The definitions `roots` reach through `$ref`s, themselves included.
    static func closure(of roots: [String]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        var pending = roots
        while let name = pending.popLast() {
            guard result[name] == nil, let schema = components[name] else { continue }
            result[name] = schema
            pending += references(in: schema)
        }
        return result
    }

    static func references(in schema: JSONValue) -> [String] {
        switch schema {
        case .object(let object):
            var names: [String] = []
            for (key, value) in object {
                if key == "$ref", let target = value.stringValue, target.hasPrefix(reference) {
                    names.append(String(target.dropFirst(reference.count)))
                } else {
                    names += references(in: value)
                }
            }
            return names
        case .array(let array): return array.flatMap(references(in:))
        default: return []
        }
    }

    // MARK: Resolution

    /// Inlines `$ref`s, drops descriptions, and marks open-ended objects (RawExtension, JSON, FieldsV1, and
    /// the point where JSONSchemaProps recurses) as preserving unknown fields.
    static func resolve(_ schema: JSONValue, ancestors: [String]) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        var ancestors = ancestors
        if let target = object["$ref"]?.stringValue, target.hasPrefix(reference) {
            let name = String(target.dropFirst(reference.count))
            object["$ref"] = nil
            guard !ancestors.contains(name), case .object(let definition)? = components[name] else {
                return .object(["x-kubernetes-preserve-unknown-fields": true])
            }
            object.merge(definition) { sibling, _ in sibling }
            ancestors.append(name)
            // For Go-style decoding errors: "v1.DeploymentSpec"; Quantity also decodes from a number.
            let parts = name.split(separator: ".")
            if parts.count >= 2 { object[SchemaNode.goTypeKey] = .string("\(parts[parts.count - 2]).\(parts[parts.count - 1])") }
            if name == "io.k8s.apimachinery.pkg.api.resource.Quantity" { object[SchemaNode.quantityKey] = true }
        }
        object["description"] = nil
        if case .object(let properties)? = object["properties"] {
            object["properties"] = .object(properties.mapValues { resolve($0, ancestors: ancestors) })
        }
        for key in ["items", "additionalProperties"] where object[key]?.objectValue != nil {
            object[key] = resolve(object[key]!, ancestors: ancestors)
        }
        let openEnded = object["properties"] == nil && object["additionalProperties"] == nil
            && (object["type"] == nil || object["type"]?.stringValue == "object")
        if openEnded { object["x-kubernetes-preserve-unknown-fields"] = true }
        return .object(object)
    }

    static func load() -> [String: JSONValue] {
        guard let url = Bundle.module.url(forResource: "builtin-openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url), let document = try? JSONValue.decode(Array(data)),
            case .object(let definitions) = document
        else {
            preconditionFailure("the KubeTestServer resource builtin-openapi.json is missing or malformed")
        }
        return definitions
    }
}
