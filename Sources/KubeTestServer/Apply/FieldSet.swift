import KubeClient

/// A set of field paths, stored as a trie: what one manager owns in `managedFields`.
///
/// A path is a member when `members` of the node for its parent holds its last element; `children` hold the
/// sets below an element. Empty children are never kept, so two equal sets have equal tries.
struct FieldSet: Equatable, Sendable {
    private(set) var members: Set<PathElement> = []
    private(set) var children: [PathElement: FieldSet] = [:]

    init() {}

    init(members: some Sequence<PathElement>) {
        self.members = Set(members)
    }

    var isEmpty: Bool { members.isEmpty && children.isEmpty }

    mutating func insert(_ path: some Collection<PathElement>) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        if rest.isEmpty {
            members.insert(first)
        } else {
            children[first, default: FieldSet()].insert(rest)
        }
    }

    func contains(_ path: some Collection<PathElement>) -> Bool {
        guard let first = path.first else { return false }
        let rest = path.dropFirst()
        return rest.isEmpty ? members.contains(first) : children[first]?.contains(rest) ?? false
    }

    func child(_ element: PathElement) -> FieldSet? { children[element] }

    func union(_ other: FieldSet) -> FieldSet {
        var result = self
        result.members.formUnion(other.members)
        for (element, set) in other.children {
            result.children[element] = result.children[element].map { $0.union(set) } ?? set
        }
        return result
    }

    func subtracting(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.members = members.subtracting(other.members)
        for (element, set) in children {
            let remaining = other.children[element].map { set.subtracting($0) } ?? set
            if !remaining.isEmpty { result.children[element] = remaining }
        }
        return result
    }

    func intersection(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.members = members.intersection(other.members)
        for (element, set) in children {
            guard let theirs = other.children[element] else { continue }
            let common = set.intersection(theirs)
            if !common.isEmpty { result.children[element] = common }
        }
        return result
    }

    /// Without one top-level field and everything below it.
    func removing(top element: PathElement) -> FieldSet {
        var result = self
        result.members.remove(element)
        result.children[element] = nil
        return result
    }

    /// Only one top-level field and everything below it.
    func keepingOnly(top element: PathElement) -> FieldSet {
        var result = FieldSet()
        if members.contains(element) { result.members.insert(element) }
        result.children[element] = children[element]
        return result
    }

    /// Without the given member paths; what lies below them stays.
    func removing(paths: [FieldPath]) -> FieldSet {
        var result = self
        for path in paths { result.remove(path[...]) }
        return result
    }

    private mutating func remove(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        if rest.isEmpty {
            members.remove(first)
        } else if var child = children[first] {
            child.remove(rest)
            children[first] = child.isEmpty ? nil : child
        }
    }

    /// Every member path, in structured-merge-diff's order.
    var paths: [FieldPath] {
        var result: [FieldPath] = []
        for element in Set(members).union(children.keys).sorted() {
            if members.contains(element) { result.append([element]) }
            for path in children[element]?.paths ?? [] { result.append([element] + path) }
        }
        return result
    }

    // MARK: fieldsV1

    /// `{"f:spec": {"f:replicas": {}, "f:template": {".": {}, ...}}}`: "." marks a member that has children.
    var fieldsV1: JSONValue {
        var object: [String: JSONValue] = [:]
        for element in members where children[element] == nil { object[element.serialized] = .object([:]) }
        for (element, set) in children {
            var nested = set.fieldsV1.objectValue ?? [:]
            if members.contains(element) { nested["."] = .object([:]) }
            object[element.serialized] = .object(nested)
        }
        return .object(object)
    }

    init(fieldsV1: JSONValue) throws(APIError) {
        guard case .object(let object) = fieldsV1 else {
            throw APIError.badRequest("metadata.managedFields: fieldsV1 must be an object")
        }
        for (name, value) in object {
            guard let element = PathElement(serialized: name) else {
                throw APIError.badRequest("metadata.managedFields: invalid field path element \"\(name)\"")
            }
            guard case .object(var nested) = value else {
                throw APIError.badRequest("metadata.managedFields: the value of \"\(name)\" must be an object")
            }
            if nested.isEmpty {
                members.insert(element)
                continue
            }
            if nested.removeValue(forKey: ".") != nil { members.insert(element) }
            let below = try FieldSet(fieldsV1: .object(nested))
            if !below.isEmpty { children[element] = below }
        }
    }
}
