import Foundation
import KubeClient
import Synchronization

/// Structural-schema handling for custom resources, in the apiextensions server's order:
/// prune unknown fields, apply defaults, then validate; errors are 422 Invalid with field causes.
struct SchemaValidator {
    let resource: ServedResource

    func defaultAndPrune(_ object: inout JSONValue, schema: JSONValue) throws(APIError) {
        var root = object
        let metadata = root["metadata"]
        prune(&root, schema: schema, isRoot: true)
        applyDefaults(&root, schema: schema)
        root["metadata"] = metadata
        var causes: [APIStatus.Cause] = []
        var path = ValidationPath()
        validate(root, schema: schema, path: &path, causes: &causes, isRoot: true)
        if !causes.isEmpty {
            throw APIError.invalid(resource, object[path: ["metadata", "name"]]?.stringValue ?? "", causes: causes)
        }
        object = root
    }

    // MARK: Unknown fields (fieldValidation)

    /// Paths of the fields pruning would drop ("spec.unknown"), for `fieldValidation=Strict|Warn`.
    func unknownFields(_ value: JSONValue, schema: JSONValue) -> [String] {
        var unknown: [String] = []
        var path = ValidationPath()
        collectUnknownFields(value, schema: schema, path: &path, into: &unknown, isRoot: true)
        return unknown
    }

    private func collectUnknownFields(_ value: JSONValue, schema: JSONValue, path: inout ValidationPath, into unknown: inout [String],
                                      isRoot: Bool = false) {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true, schema["properties"] == nil { return }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if isRoot, Self.isTypeOrMetadata(key) { continue }
                path.steps.append(.key(key))
                if let childSchema = properties?[key] {
                    collectUnknownFields(child, schema: childSchema, path: &path, into: &unknown)
                } else if let additional, case .object = additional {
                    collectUnknownFields(child, schema: additional, path: &path, into: &unknown)
                } else if additional?.boolValue != true && !preserve {
                    unknown.append(path.text)
                }
                path.steps.removeLast()
            }
        case .array(let array):
            guard let items = schema["items"] else { return }
            for (index, element) in array.enumerated() {
                path.steps.append(.index(index))
                collectUnknownFields(element, schema: items, path: &path, into: &unknown)
                path.steps.removeLast()
            }
        default:
            return
        }
    }

    // MARK: Pruning

    /// Drops the fields `schema` does not know, in place: objects are rebuilt only where a field goes.
    func prune(_ value: inout JSONValue, schema: JSONValue, isRoot: Bool = false) {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true, schema["properties"] == nil { return }
        switch value {
        case .object(var object):
            value = .null // the dictionary's only reference is now `object`: changed in place
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let keepsUnknown = additional?.boolValue == true || schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            var unknown: [String] = []
            var index = object.startIndex
            while index != object.endIndex {
                let key = object.keys[index]
                if isRoot, Self.isTypeOrMetadata(key) {
                    // kept as sent
                } else if let childSchema = properties?[key] {
                    prune(&object.values[index], schema: childSchema)
                } else if let additional, case .object = additional {
                    prune(&object.values[index], schema: additional)
                } else if !keepsUnknown {
                    unknown.append(key)
                }
                object.formIndex(after: &index)
            }
            for key in unknown { object.removeValue(forKey: key) }
            value = .object(object)
        case .array(var array):
            guard let items = schema["items"] else { return }
            value = .null
            for index in array.indices { prune(&array[index], schema: items) }
            value = .array(array)
        default:
            return
        }
    }

    static func isTypeOrMetadata(_ key: String) -> Bool {
        key == "apiVersion" || key == "kind" || key == "metadata"
    }

    // MARK: Defaulting

    /// Fills in `default`s of absent fields, in place.
    func applyDefaults(_ value: inout JSONValue, schema: JSONValue) {
        switch value {
        case .object(var object):
            value = .null
            let properties = schema["properties"]?.objectValue
            for (key, childSchema) in properties ?? [:] {
                if let index = object.index(forKey: key) {
                    applyDefaults(&object.values[index], schema: childSchema)
                } else if var defaultValue = childSchema["default"] {
                    applyDefaults(&defaultValue, schema: childSchema)
                    object[key] = defaultValue
                }
            }
            if let additional = schema["additionalProperties"], case .object = additional {
                var index = object.startIndex
                while index != object.endIndex {
                    if properties?[object.keys[index]] == nil { applyDefaults(&object.values[index], schema: additional) }
                    object.formIndex(after: &index)
                }
            }
            value = .object(object)
        case .array(var array):
            guard let items = schema["items"] else { return }
            value = .null
            for index in array.indices { applyDefaults(&array[index], schema: items) }
            value = .array(array)
        default:
            return
        }
    }

    // MARK: Validation

    func validate(_ value: JSONValue, schema: JSONValue, path: inout ValidationPath, causes: inout [APIStatus.Cause], isRoot: Bool = false) {
        if value == .null {
            if schema["nullable"]?.boolValue != true, !isRoot {
                causes.append(.init(reason: "FieldValueTypeInvalid", message: "Invalid value: \"null\": \(path.text) in body must be of type \(schema["type"]?.stringValue ?? "object"): \"null\"", field: path.text))
            }
            return
        }
        guard checkType(value, schema: schema, path: path, causes: &causes) else { return }
        checkEnum(value, schema: schema, path: path, causes: &causes)
        checkBounds(value, schema: schema, path: path, causes: &causes)
        for sub in schema["allOf"]?.arrayValue ?? [] { validate(value, schema: sub, path: &path, causes: &causes) }
        if let options = schema["oneOf"]?.arrayValue ?? schema["anyOf"]?.arrayValue {
            let matching = options.filter { option in
                var scratch: [APIStatus.Cause] = []
                validate(value, schema: option, path: &path, causes: &scratch)
                return scratch.isEmpty
            }.count
            let isOneOf = schema["oneOf"] != nil
            if matching == 0 || (isOneOf && matching > 1) {
                causes.append(.invalid(path.text, "Invalid value: must validate \(isOneOf ? "one and only one" : "at least one") schema (\(isOneOf ? "oneOf" : "anyOf"))"))
            }
        }
        switch value {
        case .object(let object):
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                causes.append(.required(path.appending(.key(required)).text))
            }
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"].flatMap { $0.objectValue != nil ? $0 : nil }
            for (key, child) in object {
                if isRoot, Self.isTypeOrMetadata(key) { continue }
                if let childSchema = properties?[key] ?? additional {
                    path.steps.append(.key(key))
                    validate(child, schema: childSchema, path: &path, causes: &causes)
                    path.steps.removeLast()
                }
            }
        case .array(let array):
            if let items = schema["items"] {
                for (index, element) in array.enumerated() {
                    path.steps.append(.index(index))
                    validate(element, schema: items, path: &path, causes: &causes)
                    path.steps.removeLast()
                }
            }
        default:
            break
        }
    }

    func checkType(_ value: JSONValue, schema: JSONValue, path: ValidationPath, causes: inout [APIStatus.Cause]) -> Bool {
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            switch value {
            case .int, .string: return true
            case .double(let number) where number.rounded() == number: return true
            default:
                causes.append(typeError(value, expected: "integer or string", path: path.text))
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
        if !ok { causes.append(typeError(value, expected: type, path: path.text)) }
        return ok
    }

    func typeError(_ value: JSONValue, expected: String, path: String) -> APIStatus.Cause {
        .init(reason: "FieldValueTypeInvalid",
              message: "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(expected): \"\(value.typeName)\"",
              field: path)
    }

    func checkEnum(_ value: JSONValue, schema: JSONValue, path: ValidationPath, causes: inout [APIStatus.Cause]) {
        guard let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) else { return }
        let list = allowed.map { $0.stringValue.map { "\"\($0)\"" } ?? $0.jsonString }.joined(separator: ", ")
        causes.append(.init(reason: "FieldValueNotSupported",
                            message: "Unsupported value: \(value.stringValue.map { "\"\($0)\"" } ?? value.jsonString): supported values: \(list)",
                            field: path.text))
    }

    func checkBounds(_ value: JSONValue, schema: JSONValue, path fieldPath: ValidationPath, causes: inout [APIStatus.Cause]) {
        var path: String { fieldPath.text } // built only for a message
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
            if let pattern = schema["pattern"]?.stringValue, let regex = Self.regex(pattern),
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

    /// Compiled `pattern`s: every write of a custom resource is validated, and compiling a regular
    /// expression costs far more than matching it.
    private static let regexes = Mutex<[String: NSRegularExpression]>([:])

    static func regex(_ pattern: String) -> NSRegularExpression? {
        if let cached = regexes.withLock({ $0[pattern] }) { return cached }
        guard let compiled = try? NSRegularExpression(pattern: pattern) else { return nil }
        regexes.withLock { $0[pattern] = compiled }
        return compiled
    }
}

/// A field's path as steps, joined into `spec.items[0].name` only when a message needs it.
struct ValidationPath {
    enum Step {
        case key(String)
        case index(Int)
    }

    var steps: [Step] = []

    func appending(_ step: Step) -> ValidationPath {
        ValidationPath(steps: steps + [step])
    }

    var text: String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
