import KubeClient

/// How server-side apply combines the live object with an applied configuration, and drops the fields an
/// applier gave up: structured-merge-diff's `Merge` and `RemoveItems`.
enum StructuredMerge {
    /// Granular maps merge key by key; associative lists merge by element name, shared elements taking the
    /// configuration's order and live-only elements keeping their place; everything else is replaced.
    /// A `null` in the configuration drops the field, as decoding into the typed object does.
    static func merge(_ live: JSONValue?, _ config: JSONValue, schema: ApplySchema) -> JSONValue? {
        switch (live, config) {
        case (.object(let current)?, .object(let applied)) where !schema.isAtomicMap:
            var result = current
            for (key, value) in applied {
                result[key] = merge(current[key], value, schema: schema.field(key))
            }
            return .object(result)
        case (.array(let current)?, .array(let applied))
            where FieldSetBuilder.isAssociative(current, schema) && FieldSetBuilder.isAssociative(applied, schema):
            return .array(mergeElements(current, applied, schema: schema))
        case (_, .null):
            return nil
        case (_, .object(let applied)):
            return .object(applied.compactMapValues { value in value == .null ? nil : value })
        default:
            return config
        }
    }

    static func mergeElements(_ current: [JSONValue], _ applied: [JSONValue], schema: ApplySchema) -> [JSONValue] {
        let appliedNames = applied.map { schema.pathElement(for: $0)! }
        let appliedByName = Dictionary(zip(appliedNames, applied), uniquingKeysWith: { first, _ in first })
        let currentNames = current.map { schema.pathElement(for: $0)! }
        let currentByName = Dictionary(zip(currentNames, current), uniquingKeysWith: { first, _ in first })
        var shared = appliedNames.filter { currentByName[$0] != nil }.makeIterator()
        var result: [JSONValue] = []
        var placed = Set<PathElement>()
        for (name, element) in zip(currentNames, current) {
            guard appliedByName[name] != nil else {
                result.append(element)
                continue
            }
            guard let next = shared.next(), placed.insert(next).inserted else { continue }
            if let merged = merge(currentByName[next], appliedByName[next]!, schema: schema.items) { result.append(merged) }
        }
        for name in appliedNames where currentByName[name] == nil && placed.insert(name).inserted {
            if let added = merge(nil, appliedByName[name]!, schema: schema.items) { result.append(added) }
        }
        return result
    }

    /// Removes the member paths of `set` from `value`, except where `keep` (what other managers own) has
    /// fields below a removed map or element: those stay, with the element's key fields. Maps and lists that
    /// the removal empties are dropped (the real server writes them as null, which decoding drops).
    static func remove(_ set: FieldSet, keeping keep: FieldSet, from value: JSONValue, schema: ApplySchema) -> JSONValue {
        switch value {
        case .object(var object):
            for (key, child) in object {
                let element = PathElement.field(key)
                let kept = keep.child(element)
                if set.isMember(element), kept == nil {
                    object[key] = nil
                } else if let below = set.child(element) {
                    let pruned = remove(below, keeping: kept ?? FieldSet(), from: child, schema: schema.field(key))
                    object[key] = becameEmpty(child, pruned) ? nil : pruned
                }
            }
            return .object(object)
        case .array(let array) where FieldSetBuilder.isAssociative(array, schema):
            var result: [JSONValue] = []
            for element in array {
                let name = schema.pathElement(for: element)!
                let kept = keep.child(name)
                if set.isMember(name), kept == nil { continue }
                guard var below = set.child(name) else {
                    result.append(element)
                    continue
                }
                if case .map(let keys) = schema.listType { below = below.subtracting(FieldSet(members: keys.map { .field($0) })) }
                result.append(remove(below, keeping: kept ?? FieldSet(), from: element, schema: schema.items))
            }
            return .array(result)
        default:
            return value
        }
    }

    static func becameEmpty(_ before: JSONValue, _ after: JSONValue) -> Bool {
        switch (before, after) {
        case (.object(let old), .object(let new)): return !old.isEmpty && new.isEmpty
        case (.array(let old), .array(let new)): return !old.isEmpty && new.isEmpty
        default: return false
        }
    }
}
