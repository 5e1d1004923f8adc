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
    /// `type`, and what Go would decode the value into (for built-in kinds' decoding errors).
    let jsonType: String?
    let format: String?
    let goType: String?
    let isQuantity: Bool
    /// Whether this node or one below it is a Quantity: the canonicalising walk skips the rest.
    let holdsQuantities: Bool
    let valueKind: ValueKind
    /// The Go struct's name ("DeploymentSpec"), which decoding errors start the field path with.
    let structName: String?

    static let goTypeKey = "x-embedded-go-type"
    static let quantityKey = "x-embedded-quantity"

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
        jsonType = schema["type"]?.stringValue
        format = schema["format"]?.stringValue
        goType = schema[Self.goTypeKey]?.stringValue
        isQuantity = schema[Self.quantityKey]?.boolValue == true
        structName = goType.map(Self.shortName)
        valueKind = Self.valueKind(type: jsonType, format: format, isQuantity: isQuantity)
        listType = Self.listType(schema, strategies: patchStrategies, mergeKey: patchMergeKey)
        holdsQuantities = isQuantity || properties.values.contains { $0.holdsQuantities }
            || additionalProperties?.holdsQuantities == true || items?.holdsQuantities == true
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

    /// What decoding a built-in kind into its Go types finds: a value of the wrong JSON type (the first, as a
    /// Go decoding error), and whether any field would be dropped as unknown. A read-only walk.
    struct DecodeCheck {
        var mismatch: String?
        var prunable = false
    }

    func checkDecoding(_ value: JSONValue) -> DecodeCheck {
        var check = DecodeCheck()
        var path: [String] = []
        checkDecoding(value, path: &path, structName: structName ?? "", isRoot: true, into: &check)
        return check
    }

    /// `path` is a stack of field names, joined only for the error: the walk allocates nothing per field.
    private func checkDecoding(_ value: JSONValue, path: inout [String], structName: String, isRoot: Bool = false,
                               into check: inout DecodeCheck) {
        if check.mismatch != nil || value == .null { return }  // Go leaves a field alone on null
        if let expected = mismatchedType(value) {
            let field = path.joined(separator: ".")
            check.mismatch = "json: cannot unmarshal \(Self.jsonKind(value)) into Go struct field \(structName).\(field) of type \(expected)"
            return
        }
        switch value {
        case .object(let object):
            if preservesEverything { return }
            let innerStruct = self.structName ?? structName
            for (key, child) in object {
                if isRoot, key == "apiVersion" || key == "kind" { continue }
                if let schema = properties[key] {
                    path.append(key)
                    schema.checkDecoding(child, path: &path, structName: innerStruct, into: &check)
                    path.removeLast()
                } else if let schema = additionalProperties {
                    schema.checkDecoding(child, path: &path, structName: innerStruct, into: &check)  // Go names no map keys
                } else if !allowsUnknownFields {
                    check.prunable = true
                }
            }
        case .array(let array):
            guard let items else { return }
            for element in array { items.checkDecoding(element, path: &path, structName: structName, into: &check) }
        default:
            break
        }
    }

    /// The Go type a value cannot be decoded into, or nil when it fits.
    private func mismatchedType(_ value: JSONValue) -> String? {
        switch (valueKind, value) {
        case (.any, _), (.object, .object), (.array, .array), (.boolean, .bool), (.number, .int), (.number, .double),
             (.string, .string), (.integer, .int), (.numberOrString, .string), (.numberOrString, .int),
             (.numberOrString, .double), (.integerOrString, .string), (.integerOrString, .int):
            if case .int(let number) = value, format == "int32", !(Int64(Int32.min)...Int64(Int32.max) ~= number) { return "int32" }
            return nil
        default:
            return goTypeName
        }
    }

    /// What JSON a node's Go type decodes from, decided once.
    enum ValueKind: Sendable {
        case any, object, array, boolean, number, integer, string, numberOrString, integerOrString
    }

    static func valueKind(type: String?, format: String?, isQuantity: Bool) -> ValueKind {
        switch type {
        case "object": return .object
        case "array": return .array
        case "boolean": return .boolean
        case "number": return .number
        case "integer": return .integer
        case "string": return isQuantity ? .numberOrString : format == "int-or-string" ? .integerOrString : .string
        default: return .any
        }
    }

    private var goTypeName: String {
        if let goType { return isQuantity || format == "int-or-string" ? Self.shortName(goType) : goType }
        switch jsonType {
        case "integer": return format ?? "int64"
        case "number": return "float64"
        case "boolean": return "bool"
        case "array": return "[]" + (items?.goTypeName ?? "interface {}")
        case "object": return "map[string]" + (additionalProperties?.goTypeName ?? "interface {}")
        default: return jsonType ?? "interface {}"
        }
    }

    private static func shortName(_ goType: String) -> String { String(goType.split(separator: ".").last ?? "") }

    private static func jsonKind(_ value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .int, .double: "number"
        case .bool: "bool"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        }
    }

    private var preservesEverything: Bool { properties.isEmpty && additionalProperties == nil && allowsUnknownFields }
}
