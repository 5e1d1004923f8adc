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
                if !schema.declares(key) || child == .null || child == .object([:]) { set.insert(childPath) }
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
    /// only are added or removed, with everything below them. Built bottom-up, one trie node per changed
    /// node, so that a write costs what it changed plus one equality check per unchanged sibling.
    static func compare(_ old: JSONValue?, _ new: JSONValue?, schema: ApplySchema) -> Comparison {
        compareChildren(old, new, schema: schema)
    }

    /// The changes below one node; whether the node itself was added or removed is its parent's record.
    static func compareChildren(_ old: JSONValue?, _ new: JSONValue?, schema: ApplySchema) -> Comparison {
        var result = Comparison()
        forEachChildPair(old, new, schema: schema) { element, before, after, childSchema in
            switch (before, after) {
            case (nil, let after?):
                result.added.insertMember(element, below: everything(below: after, schema: childSchema))
            case (let before?, nil):
                result.removed.insertMember(element, below: everything(below: before, schema: childSchema))
            case (let before?, let after?) where isContainer(before, childSchema) && isContainer(after, childSchema)
                && sameKind(before, after):
                let below = compareChildren(before, after, schema: childSchema)
                result.added.graft(below.added, under: element)
                result.modified.graft(below.modified, under: element)
                result.removed.graft(below.removed, under: element)
            default:
                result.modified.insertMember(element, below: FieldSet())
            }
        }
        return result
    }

    /// Every node below a value that appears or disappears whole, each a member: one pass, one dictionary
    /// per container (creates are the largest change sets).
    static func everything(below value: JSONValue, schema: ApplySchema) -> FieldSet {
        var members: [(PathElement, FieldSet)] = []
        switch value {
        case .object(let object) where !schema.isAtomicMap:
            for (key, child) in object {
                let childSchema = schema.field(key)
                members.append((.field(key), everything(below: child, schema: childSchema)))
            }
        case .array:
            let items = schema.items
            for (name, element) in elements(of: value, schema: schema) {
                members.append((name, everything(below: element, schema: items)))
            }
        default:
            break
        }
        return FieldSet(allMembers: members)
    }

    /// Calls `body` with each child name and the child on either side, for the children that differ, of
    /// granular maps and associative lists; a side that is a leaf (or absent) contributes no children. Objects are walked in place;
    /// only lists need their elements indexed by name.
    static func forEachChildPair(_ old: JSONValue?, _ new: JSONValue?, schema: ApplySchema,
                                 _ body: (PathElement, JSONValue?, JSONValue?, ApplySchema) -> Void) {
        let oldFields = old.flatMap { isContainer($0, schema) ? $0.objectValue : nil }
        let newFields = new.flatMap { isContainer($0, schema) ? $0.objectValue : nil }
        if oldFields != nil || newFields != nil {
            for (key, child) in newFields ?? [:] where oldFields?[key] != child { body(.field(key), oldFields?[key], child, schema.field(key)) }
            for (key, child) in oldFields ?? [:] where newFields?[key] == nil { body(.field(key), child, nil, schema.field(key)) }
        }
        let oldElements = elements(of: old, schema: schema)
        let newElements = elements(of: new, schema: schema)
        guard !oldElements.isEmpty || !newElements.isEmpty else { return }
        let items = schema.items
        for (name, element) in newElements where oldElements[name] != element { body(name, oldElements[name], element, items) }
        for (name, element) in oldElements where newElements[name] == nil { body(name, element, nil, items) }
    }

    /// An associative list's elements by name (the first of duplicates); empty for anything else.
    static func elements(of value: JSONValue?, schema: ApplySchema) -> [PathElement: JSONValue] {
        guard case .array(let array)? = value, schema.listType != .atomic else { return [:] }
        var result: [PathElement: JSONValue] = [:]
        for element in array {
            guard let name = schema.pathElement(for: element) else { return [:] }  // not associative after all
            if result[name] == nil { result[name] = element }
        }
        return result
    }

    /// Granular maps and associative lists have children of their own; everything else is a leaf.
    static func isContainer(_ value: JSONValue, _ schema: ApplySchema) -> Bool {
        switch value {
        case .object: return !schema.isAtomicMap
        case .array(let array): return isAssociative(array, schema)
        default: return false
        }
    }

    static func sameKind(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object, .object), (.array, .array): return true
        default: return false
        }
    }

    static func isAssociative(_ list: [JSONValue], _ schema: ApplySchema) -> Bool {
        schema.listType != .atomic && list.allSatisfy { schema.pathElement(for: $0) != nil }
    }
}
