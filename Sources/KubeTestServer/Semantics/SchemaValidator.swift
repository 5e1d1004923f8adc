import Foundation
import KubeClient

/// Structural-schema handling for custom resources, in the apiextensions server's order:
/// prune unknown fields, apply defaults, then validate; errors are 422 Invalid with field causes.
struct SchemaValidator {
    let resource: ServedResource

    func defaultAndPrune(_ object: inout JSONValue, schema: JSONValue) throws(APIError) {
        var root = object
        let metadata = root["metadata"]
        root = prune(root, schema: schema, isRoot: true)
        root = applyDefaults(root, schema: schema)
        root["metadata"] = metadata
        var causes: [APIStatus.Cause] = []
        validate(root, schema: schema, path: "", causes: &causes, isRoot: true)
        if !causes.isEmpty {
            throw APIError.invalid(resource, object[path: ["metadata", "name"]]?.stringValue ?? "", causes: causes)
        }
        object = root
    }

    // MARK: Unknown fields (fieldValidation)

    /// Paths of the fields pruning would drop ("spec.unknown"), for `fieldValidation=Strict|Warn`.
    func unknownFields(_ value: JSONValue, schema: JSONValue, path: String = "", isRoot: Bool = true) -> [String] {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true, schema["properties"] == nil { return [] }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            var unknown: [String] = []
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if isRoot, ["apiVersion", "kind", "metadata"].contains(key) { continue }
                let childPath = join(path, key)
                if let childSchema = properties?[key] {
                    unknown += unknownFields(child, schema: childSchema, path: childPath, isRoot: false)
                } else if let additional, case .object = additional {
                    unknown += unknownFields(child, schema: additional, path: childPath, isRoot: false)
                } else if additional?.boolValue != true && !preserve {
                    unknown.append(childPath)
                }
            }
            return unknown
        case .array(let array):
            guard let items = schema["items"] else { return [] }
            return array.enumerated().flatMap { index, element in
                unknownFields(element, schema: items, path: "\(path)[\(index)]", isRoot: false)
            }
        default:
            return []
        }
    }

    // MARK: Pruning

    func prune(_ value: JSONValue, schema: JSONValue, isRoot: Bool = false) -> JSONValue {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true, schema["properties"] == nil {
            return value
        }
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            for (key, child) in object {
                if isRoot, ["apiVersion", "kind", "metadata"].contains(key) {
                    result[key] = child
                } else if let childSchema = properties?[key] {
                    result[key] = prune(child, schema: childSchema)
                } else if let additional, case .object = additional {
                    result[key] = prune(child, schema: additional)
                } else if additional?.boolValue == true || preserve {
                    result[key] = child
                }
            }
            return .object(result)
        case .array(let array):
            guard let items = schema["items"] else { return value }
            return .array(array.map { prune($0, schema: items) })
        default:
            return value
        }
    }

    // MARK: Defaulting

    func applyDefaults(_ value: JSONValue, schema: JSONValue) -> JSONValue {
        switch value {
        case .object(var object):
            for (key, childSchema) in schema["properties"]?.objectValue ?? [:] {
                if let child = object[key] {
                    object[key] = applyDefaults(child, schema: childSchema)
                } else if let defaultValue = childSchema["default"] {
                    object[key] = applyDefaults(defaultValue, schema: childSchema)
                }
            }
            if let additional = schema["additionalProperties"], case .object = additional {
                for (key, child) in object where schema["properties"]?[key] == nil {
                    object[key] = applyDefaults(child, schema: additional)
                }
            }
            return .object(object)
        case .array(let array):
            guard let items = schema["items"] else { return value }
            return .array(array.map { applyDefaults($0, schema: items) })
        default:
            return value
        }
    }

    // MARK: Validation

    func validate(_ value: JSONValue, schema: JSONValue, path: String, causes: inout [APIStatus.Cause], isRoot: Bool = false) {
        if value == .null {
            if schema["nullable"]?.boolValue != true, !isRoot {
                causes.append(.init(reason: "FieldValueTypeInvalid", message: "Invalid value: \"null\": \(path) in body must be of type \(schema["type"]?.stringValue ?? "object"): \"null\"", field: path))
            }
            return
        }
        guard checkType(value, schema: schema, path: path, causes: &causes) else { return }
        checkEnum(value, schema: schema, path: path, causes: &causes)
        checkBounds(value, schema: schema, path: path, causes: &causes)
        for sub in schema["allOf"]?.arrayValue ?? [] { validate(value, schema: sub, path: path, causes: &causes) }
        if let options = schema["oneOf"]?.arrayValue ?? schema["anyOf"]?.arrayValue {
            let matching = options.filter { option in
                var scratch: [APIStatus.Cause] = []
                validate(value, schema: option, path: path, causes: &scratch)
                return scratch.isEmpty
            }.count
            let isOneOf = schema["oneOf"] != nil
            if matching == 0 || (isOneOf && matching > 1) {
                causes.append(.invalid(path, "Invalid value: must validate \(isOneOf ? "one and only one" : "at least one") schema (\(isOneOf ? "oneOf" : "anyOf"))"))
            }
        }
        switch value {
        case .object(let object):
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                causes.append(.required(join(path, required)))
            }
            for (key, child) in object {
                if isRoot, ["apiVersion", "kind", "metadata"].contains(key) { continue }
                if let childSchema = schema["properties"]?[key] ?? schema["additionalProperties"].flatMap({ $0.objectValue != nil ? $0 : nil }) {
                    validate(child, schema: childSchema, path: join(path, key), causes: &causes)
                }
            }
        case .array(let array):
            if let items = schema["items"] {
                for (index, element) in array.enumerated() {
                    validate(element, schema: items, path: "\(path)[\(index)]", causes: &causes)
                }
            }
        default:
            break
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func checkType(_ value: JSONValue, schema: JSONValue, path: String, causes: inout [APIStatus.Cause]) -> Bool {
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            switch value {
            case .int, .string: return true
            case .double(let number) where number.rounded() == number: return true
            default:
                causes.append(typeError(value, expected: "integer or string", path: path))
                return false
            }
        }
        guard let type = schema["type"]?.stringValue else { return true }
        let ok: Bool
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int),
            ("number", .double):
            ok = true
        case ("integer", .double(let number)): ok = number.rounded() == number
        default: ok = false
        }
        if !ok { causes.append(typeError(value, expected: type, path: path)) }
        return ok
    }

    func typeError(_ value: JSONValue, expected: String, path: String) -> APIStatus.Cause {
        .init(reason: "FieldValueTypeInvalid",
              message: "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(expected): \"\(value.typeName)\"",
              field: path)
    }

    func checkEnum(_ value: JSONValue, schema: JSONValue, path: String, causes: inout [APIStatus.Cause]) {
        guard let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) else { return }
        let list = allowed.map { $0.stringValue.map { "\"\($0)\"" } ?? $0.jsonString }.joined(separator: ", ")
        causes.append(.init(reason: "FieldValueNotSupported",
                            message: "Unsupported value: \(value.stringValue.map { "\"\($0)\"" } ?? value.jsonString): supported values: \(list)",
                            field: path))
    }

    func checkBounds(_ value: JSONValue, schema: JSONValue, path: String, causes: inout [APIStatus.Cause]) {
        func fail(_ message: String) {
            causes.append(.invalid(path, "Invalid value: \(value.stringValue.map { "\"\($0)\"" } ?? value.jsonString): \(message)"))
        }
        if let number = value.doubleValue, value.stringValue == nil {
            if let minimum = schema["minimum"]?.doubleValue {
                let exclusive = schema["exclusiveMinimum"]?.boolValue == true
                if exclusive ? number <= minimum : number < minimum {
                    fail("\(path) in body should be greater than \(exclusive ? "" : "or equal to ")\(format(minimum))")
                }
            }
            if let maximum = schema["maximum"]?.doubleValue {
                let exclusive = schema["exclusiveMaximum"]?.boolValue == true
                if exclusive ? number >= maximum : number > maximum {
                    fail("\(path) in body should be less than \(exclusive ? "" : "or equal to ")\(format(maximum))")
                }
            }
        }
        if let string = value.stringValue {
            if let minimum = schema["minLength"]?.intValue, string.count < minimum {
                fail("\(path) in body should be at least \(minimum) chars long")
            }
            if let maximum = schema["maxLength"]?.intValue, string.count > maximum {
                fail("\(path) in body may not be longer than \(maximum)")
            }
            if let pattern = schema["pattern"]?.stringValue,
                let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) == nil
            {
                fail("\(path) in body should match '\(pattern)'")
            }
        }
        if let array = value.arrayValue {
            if let minimum = schema["minItems"]?.intValue, array.count < minimum {
                fail("\(path) in body should have at least \(minimum) items")
            }
            if let maximum = schema["maxItems"]?.intValue, array.count > maximum {
                causes.append(.init(reason: "FieldValueTooMany", message: "Too many: \(array.count): must have at most \(maximum) items", field: path))
            }
        }
        if let object = value.objectValue {
            if let minimum = schema["minProperties"]?.intValue, object.count < minimum {
                fail("\(path) in body should have at least \(minimum) properties")
            }
            if let maximum = schema["maxProperties"]?.intValue, object.count > maximum {
                fail("\(path) in body should have at most \(maximum) properties")
            }
        }
    }

    func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int64(number)) : String(number)
    }
}
