import KubeClient

/// What server-side apply and strategic merge patch need to know at one place of a schema: how maps and
/// lists merge and how their elements are named. Places the schema does not describe (preserved unknown
/// fields) are deduced from the value, as structured-merge-diff does: objects are granular maps, lists are
/// atomic.
struct ApplySchema: Sendable {
    typealias ListType = SchemaNode.ListType

    let node: SchemaNode?

    static let deduced = ApplySchema(node: nil)

    func field(_ name: String) -> ApplySchema {
        guard let node else { return .deduced }
        return ApplySchema(node: node.properties[name] ?? node.additionalProperties)
    }

    /// Whether `name` is a declared field of a struct (rather than a key of a map).
    func declares(_ name: String) -> Bool { node?.properties[name] != nil }

    var items: ApplySchema { ApplySchema(node: node?.items) }

    var isAtomicMap: Bool { node?.isAtomicMap ?? false }

    /// `x-kubernetes-patch-strategy`, for strategic merge patch: "merge", "retainKeys", "replace".
    var patchStrategies: [String] { node?.patchStrategies ?? [] }

    var patchMergeKey: String? { node?.patchMergeKey }

    var listType: ListType { node?.listType ?? .atomic }

    /// The path element that names `element` in a list of this type; nil for atomic lists or an element
    /// that lacks a key field (and the schema gives it no default).
    func pathElement(for element: JSONValue) -> PathElement? {
        switch listType {
        case .atomic: return nil
        case .set: return .value(element)
        case .map(let keys):
            guard case .object(let object) = element else { return nil }
            var fields: [String: JSONValue] = [:]
            for key in keys {
                guard let value = object[key] ?? node?.items?.properties[key]?.defaultValue else { return nil }
                fields[key] = value
            }
            return .key(fields)
        }
    }
}
