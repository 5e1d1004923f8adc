import KubeClient

/// structured-merge-diff's `ToFieldSet` and `Compare`, over JSON values and an `ApplySchema`.
enum FieldSetBuilder {
    /// The fields an object sets: scalars, atomic lists and maps, map entries, and associative list elements.
    /// Struct fields with content are parents only (no "." in `fieldsV1`).
    static func fieldSet(of value: JSONValue, schema: ApplySchema) -> FieldSet {
        var set = FieldSet()
        walk(value, schema: schema, path: [], into: &set)
        return set
    }

    static func walk(_ value: JSONValue, schema: ApplySchema, path: FieldPath, into set: inout FieldSet) {
        switch value {
        case .object(let object) where !schema.isAtomicMap:
            for (key, child) in object {
                let childPath = path + [.field(key)]
                walk(child, schema: schema.field(key), path: childPath, into: &set)
                let declared = schema.node?[path: ["properties", key]] != nil
                if !declared || child == .null || child == .object([:]) { set.insert(childPath) }
            }
        case .array(let array):
            guard schema.listType != .atomic, array.allSatisfy({ schema.pathElement(for: $0) != nil }) else {
                set.insert(path)
                return
            }
            var seen = Set<PathElement>()
            for element in array {
                guard let name = schema.pathElement(for: element), seen.insert(name).inserted else { continue }
                set.insert(path + [name])
                if case .object = element { walk(element, schema: schema.items, path: path + [name], into: &set) }
            }
        default:
            set.insert(path)
        }
    }

    struct Comparison {
        var added = FieldSet()
        var modified = FieldSet()
        var removed = FieldSet()

        var changed: FieldSet { added.union(modified) }
        var isEmpty: Bool { added.isEmpty && modified.isEmpty && removed.isEmpty }
    }

    /// What changed from `old` to `new`: leaves and atomic values are modified; nodes present on one side
    /// only are added or removed, with everything below them.
    static func compare(_ old: JSONValue?, _ new: JSONValue?, schema: ApplySchema) -> Comparison {
        var comparison = Comparison()
        compare(old, new, schema: schema, path: [], into: &comparison)
        return comparison
    }

    static func compare(_ old: JSONValue?, _ new: JSONValue?, schema: ApplySchema, path: FieldPath, into result: inout Comparison) {
        switch (old, new) {
        case (.object(let before)?, .object(let after)?) where !schema.isAtomicMap:
            for key in Set(before.keys).union(after.keys) {
                compare(before[key], after[key], schema: schema.field(key), path: path + [.field(key)], into: &result)
            }
        case (.array(let before)?, .array(let after)?) where isAssociative(before, schema) && isAssociative(after, schema):
            compareElements(before, after, schema: schema, path: path, into: &result)
        case (nil, let value?):
            result.added.insert(path)
            forEachChild(of: value, schema: schema, path: path) { child, childSchema, childPath in
                compare(nil, child, schema: childSchema, path: childPath, into: &result)
            }
        case (let value?, nil):
            result.removed.insert(path)
            forEachChild(of: value, schema: schema, path: path) { child, childSchema, childPath in
                compare(child, nil, schema: childSchema, path: childPath, into: &result)
            }
        case (let before?, let after?):
            if before != after { result.modified.insert(path) }
        case (nil, nil):
            break
        }
    }

    static func compareElements(_ before: [JSONValue], _ after: [JSONValue], schema: ApplySchema, path: FieldPath,
                                into result: inout Comparison) {
        func byName(_ list: [JSONValue]) -> [PathElement: JSONValue] {
            var named: [PathElement: JSONValue] = [:]
            for element in list { if let name = schema.pathElement(for: element), named[name] == nil { named[name] = element } }
            return named
        }
        let old = byName(before)
        let new = byName(after)
        for name in Set(old.keys).union(new.keys) {
            compare(old[name], new[name], schema: schema.items, path: path + [name], into: &result)
        }
    }

    /// The named children of a granular map or an associative list; none for leaves and atomic values.
    static func forEachChild(of value: JSONValue, schema: ApplySchema, path: FieldPath,
                             _ body: (JSONValue, ApplySchema, FieldPath) -> Void) {
        switch value {
        case .object(let object) where !schema.isAtomicMap:
            for (key, child) in object { body(child, schema.field(key), path + [.field(key)]) }
        case .array(let array) where isAssociative(array, schema):
            var seen = Set<PathElement>()
            for element in array {
                guard let name = schema.pathElement(for: element), seen.insert(name).inserted else { continue }
                body(element, schema.items, path + [name])
            }
        default:
            break
        }
    }

    static func isAssociative(_ list: [JSONValue], _ schema: ApplySchema) -> Bool {
        schema.listType != .atomic && list.allSatisfy { schema.pathElement(for: $0) != nil }
    }
}
