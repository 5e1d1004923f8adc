import KubeClient

/// What server-side apply needs to know of a schema node: how maps and lists merge and how their elements
/// are named. Nodes the schema does not describe (preserved unknown fields) are deduced from the value, as
/// structured-merge-diff does: objects are granular maps, lists are atomic.
struct ApplySchema: Sendable {
    enum ListType: Equatable, Sendable {
        case atomic
        case set
        case map(keys: [String])
    }

    let node: JSONValue?

    static let deduced = ApplySchema(node: nil)

    /// The root of a kind's schema; `metadata` always follows ObjectMeta, whatever a CRD declares.
    static func root(_ schema: JSONValue?) -> ApplySchema {
        var root = schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        if let objectMeta = BuiltinSchemas.structuralObjectMeta { root[path: ["properties", "metadata"]] = objectMeta }
        return ApplySchema(node: root)
    }

    func field(_ name: String) -> ApplySchema {
        guard let node else { return .deduced }
        if let property = node[path: ["properties", name]] { return ApplySchema(node: property) }
        if let additional = node["additionalProperties"], additional.objectValue != nil { return ApplySchema(node: additional) }
        return .deduced
    }

    var items: ApplySchema { ApplySchema(node: node?["items"]) }

    var isAtomicMap: Bool {
        node?["x-kubernetes-map-type"]?.stringValue == "atomic"
    }

    /// `x-kubernetes-list-type`, or for built-in lists declared only with a patch strategy, what
    /// Kubernetes derives from it (a merge key makes an associative list, plain merge a set).
    var listType: ListType {
        guard let node else { return .atomic }
        switch node["x-kubernetes-list-type"]?.stringValue {
        case "set": return .set
        case "map":
            let keys = node["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return keys.isEmpty ? .atomic : .map(keys: keys)
        case "atomic": return .atomic
        default:
            guard node["x-kubernetes-patch-strategy"]?.stringValue?.split(separator: ",").contains("merge") == true else {
                return .atomic
            }
            if let key = node["x-kubernetes-patch-merge-key"]?.stringValue { return .map(keys: [key]) }
            return .set
        }
    }

    /// The path element that names `element` in a list of this type; nil for atomic lists or an element
    /// that lacks a key field.
    func pathElement(for element: JSONValue) -> PathElement? {
        switch listType {
        case .atomic: return nil
        case .set: return .value(element)
        case .map(let keys):
            guard case .object(let object) = element else { return nil }
            var fields: [String: JSONValue] = [:]
            for key in keys {
                if let value = object[key] {
                    fields[key] = value
                } else if let defaultValue = items.field(key).node?["default"] {
                    fields[key] = defaultValue
                } else {
                    return nil
                }
            }
            return .key(fields)
        }
    }
}
