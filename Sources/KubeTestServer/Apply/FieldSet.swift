import KubeClient

/// A set of field paths, stored in the `fieldsV1` shape itself, so that reading and writing
/// `managedFields` costs no conversion: each key is a serialized path element; its value holds what lies
/// below it, where "." marks the element itself as a member when it has children, and an empty object is
/// a member with nothing below. Every operation keeps that canonical form, so equal sets are equal values.
struct FieldSet: Equatable, Sendable {
    private(set) var nodes: [String: JSONValue] = [:]

    init() {}

    init(members: some Sequence<PathElement>) {
        for element in members { nodes[element.serialized] = .object([:]) }
    }

    private init(nodes: [String: JSONValue]) { self.nodes = nodes }

    /// Each element a member, with what lies below it.
    init(allMembers: [(PathElement, FieldSet)]) {
        for (element, below) in allMembers {
            nodes[element.serialized] = Self.join(member: true, below: below.nodes)
        }
    }

    /// A list the store wrote (and checked when it came in) is taken as it is.
    init(storedFieldsV1: JSONValue) { nodes = storedFieldsV1.objectValue ?? [:] }

    /// Accepts a client's `fieldsV1` after checking its shape (every key a path element, every value an object).
    init(fieldsV1: JSONValue) throws(APIError) {
        guard case .object(let object) = fieldsV1 else {
            throw APIError.badRequest("metadata.managedFields: fieldsV1 must be an object")
        }
        try Self.check(object)
        nodes = object
    }

    private static func check(_ object: [String: JSONValue]) throws(APIError) {
        for (name, value) in object {
            guard case .object(let below) = value else {
                throw APIError.badRequest("metadata.managedFields: the value of \"\(name)\" must be an object")
            }
            if name == "." { continue }
            guard PathElement(serialized: name) != nil else {
                throw APIError.badRequest("metadata.managedFields: invalid field path element \"\(name)\"")
            }
            try check(below)
        }
    }

    var fieldsV1: JSONValue { .object(nodes) }

    var isEmpty: Bool { nodes.isEmpty }

    // MARK: Nodes

    /// A node's parts: whether the element is a member itself, and what lies below it.
    private static func split(_ node: JSONValue) -> (member: Bool, below: [String: JSONValue]) {
        guard case .object(var object) = node, !object.isEmpty else { return (true, [:]) }
        let member = object.removeValue(forKey: ".") != nil
        return (member, object)
    }

    private static func join(member: Bool, below: [String: JSONValue]) -> JSONValue? {
        if below.isEmpty { return member ? .object([:]) : nil }
        guard member else { return .object(below) }
        var object = below
        object["."] = .object([:])
        return .object(object)
    }

    func isMember(_ element: PathElement) -> Bool {
        nodes[element.serialized].map { Self.split($0).member } ?? false
    }

    func child(_ element: PathElement) -> FieldSet? {
        guard let node = nodes[element.serialized] else { return nil }
        let below = Self.split(node).below
        return below.isEmpty ? nil : FieldSet(nodes: below)
    }

    // MARK: Building

    mutating func insert(_ path: some Collection<PathElement>) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        let (member, below) = nodes[first.serialized].map(Self.split) ?? (member: false, below: [:])
        if rest.isEmpty {
            nodes[first.serialized] = Self.join(member: true, below: below)
        } else {
            var child = FieldSet(nodes: below)
            child.insert(rest)
            nodes[first.serialized] = Self.join(member: member, below: child.nodes)
        }
    }

    /// Makes `element` a member at this level, with `below` as what lies under it.
    mutating func insertMember(_ element: PathElement, below: FieldSet) {
        let existing = nodes[element.serialized].map(Self.split) ?? (member: false, below: [:])
        nodes[element.serialized] = Self.join(member: true, below: Self.union(existing.below, below.nodes))
    }

    /// Puts `set` under `element` (merged with what is there).
    mutating func graft(_ set: FieldSet, under element: PathElement) {
        guard !set.isEmpty else { return }
        let existing = nodes[element.serialized].map(Self.split) ?? (member: false, below: [:])
        nodes[element.serialized] = Self.join(member: existing.member, below: Self.union(existing.below, set.nodes))
    }

    func contains(_ path: some Collection<PathElement>) -> Bool {
        guard let first = path.first, let node = nodes[first.serialized] else { return false }
        let (member, below) = Self.split(node)
        let rest = path.dropFirst()
        return rest.isEmpty ? member : FieldSet(nodes: below).contains(rest)
    }

    // MARK: Set algebra

    func union(_ other: FieldSet) -> FieldSet { FieldSet(nodes: Self.union(nodes, other.nodes)) }

    func subtracting(_ other: FieldSet) -> FieldSet {
        guard !other.isEmpty else { return self }
        return FieldSet(nodes: Self.subtract(nodes, other.nodes))
    }

    func intersection(_ other: FieldSet) -> FieldSet { FieldSet(nodes: Self.intersect(nodes, other.nodes)) }

    private static func union(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String: JSONValue] {
        if a.isEmpty { return b }
        var result = a
        for (key, theirs) in b {
            guard let ours = a[key] else {
                result[key] = theirs
                continue
            }
            if ours == theirs { continue }
            let (ourMember, ourBelow) = split(ours)
            let (theirMember, theirBelow) = split(theirs)
            result[key] = join(member: ourMember || theirMember, below: union(ourBelow, theirBelow))
        }
        return result
    }

    private static func subtract(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String: JSONValue] {
        var result = a
        for (key, ours) in a {
            guard let theirs = b[key] else { continue }
            let (ourMember, ourBelow) = split(ours)
            let (theirMember, theirBelow) = split(theirs)
            result[key] = join(member: ourMember && !theirMember, below: theirBelow.isEmpty ? ourBelow : subtract(ourBelow, theirBelow))
        }
        return result
    }

    private static func intersect(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, ours) in a {
            guard let theirs = b[key] else { continue }
            let (ourMember, ourBelow) = split(ours)
            let (theirMember, theirBelow) = split(theirs)
            result[key] = join(member: ourMember && theirMember, below: intersect(ourBelow, theirBelow))
        }
        return result
    }

    /// Without one top-level field and everything below it.
    func removing(top element: PathElement) -> FieldSet {
        var result = self
        result.nodes[element.serialized] = nil
        return result
    }

    /// Only one top-level field and everything below it.
    func keepingOnly(top element: PathElement) -> FieldSet {
        FieldSet(nodes: nodes[element.serialized].map { [element.serialized: $0] } ?? [:])
    }

    /// Every member path, in structured-merge-diff's order.
    var paths: [FieldPath] {
        var result: [FieldPath] = []
        for element in nodes.keys.compactMap(PathElement.init(serialized:)).sorted() {
            if isMember(element) { result.append([element]) }
            for path in child(element)?.paths ?? [] { result.append([element] + path) }
        }
        return result
    }
}
