import KubeClient

/// A structural schema compiled once into a tree: what pruning, field ownership, server-side apply and
/// strategic merge patch ask of a schema on every write, without looking keys up in JSON each time.
final class SchemaNode: Sendable {
    enum ListType: Equatable, Sendable {
        case atomic
        case set
        case map(keys: [String])
    }

    let properties: [String: SchemaNode]
    /// The schema of a map's values (`additionalProperties` as an object).
    let additionalProperties: SchemaNode?
    /// `additionalProperties: true`, or preserved unknown fields: keys the schema does not name are kept.
    let allowsUnknownFields: Bool
    let items: SchemaNode?
    let isAtomicMap: Bool
    let listType: ListType
    let patchStrategies: [String]
    let patchMergeKey: String?
    let defaultValue: JSONValue?

    init(_ schema: JSONValue, replacingProperties overrides: [String: SchemaNode] = [:]) {
        var properties = (schema["properties"]?.objectValue ?? [:]).mapValues { SchemaNode($0) }
        properties.merge(overrides) { _, override in override }
        self.properties = properties
        let additional = schema["additionalProperties"]
        additionalProperties = additional?.objectValue != nil ? SchemaNode(additional!) : nil
        allowsUnknownFields = additional?.boolValue == true || schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        items = schema["items"].flatMap { $0.objectValue != nil ? SchemaNode($0) : nil }
        isAtomicMap = schema["x-kubernetes-map-type"]?.stringValue == "atomic"
        patchStrategies = (schema["x-kubernetes-patch-strategy"]?.stringValue ?? "").split(separator: ",").map(String.init)
        patchMergeKey = schema["x-kubernetes-patch-merge-key"]?.stringValue
        defaultValue = schema["default"]
        listType = Self.listType(schema, strategies: patchStrategies, mergeKey: patchMergeKey)
    }

    /// `x-kubernetes-list-type`, or for built-in lists declared only with a patch strategy, what Kubernetes
    /// derives from it (a merge key makes an associative list, plain merge a set); otherwise atomic.
    static func listType(_ schema: JSONValue, strategies: [String], mergeKey: String?) -> ListType {
        switch schema["x-kubernetes-list-type"]?.stringValue {
        case "set": return .set
        case "map":
            let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return keys.isEmpty ? .atomic : .map(keys: keys)
        case "atomic": return .atomic
        default:
            guard strategies.contains("merge") else { return .atomic }
            return mergeKey.map { .map(keys: [$0]) } ?? .set
        }
    }

    /// A kind's root; `metadata` always follows ObjectMeta, whatever a CRD declares for it.
    static func root(_ schema: JSONValue?) -> SchemaNode {
        let root = schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        guard let objectMeta = BuiltinSchemas.objectMetaNode else { return SchemaNode(root) }
        return SchemaNode(root, replacingProperties: ["metadata": objectMeta])
    }

    /// Whether dropping the fields the schema does not know would change `value` (a read-only walk, so the
    /// common case allocates nothing). At the root, apiVersion, kind and metadata are never dropped.
    func hasPrunableFields(_ value: JSONValue, isRoot: Bool = false) -> Bool {
        switch value {
        case .object(let object):
            if preservesEverything { return false }
            for (key, child) in object {
                if isRoot, key == "apiVersion" || key == "kind" || key == "metadata" { continue }
                if let schema = properties[key] ?? additionalProperties {
                    if schema.hasPrunableFields(child) { return true }
                } else if !allowsUnknownFields {
                    return true
                }
            }
            return false
        case .array(let array):
            guard let items else { return false }
            return array.contains { items.hasPrunableFields($0) }
        default:
            return false
        }
    }

    private var preservesEverything: Bool { properties.isEmpty && additionalProperties == nil && allowsUnknownFields }
}
