import KubeClient

/// One step of a field path, held in its `managedFields` spelling: `f:name` (a field), `k:{"name":"web"}`
/// (an associative list element by its key fields, canonical JSON with sorted keys), `v:"x"` (a set
/// element by value), `i:0` (a list element by position).
struct PathElement: Hashable, Sendable, Comparable {
    let serialized: String

    init?(serialized: String) {
        var bytes = serialized.utf8.makeIterator()
        guard let kind = bytes.next(), bytes.next() == UInt8(ascii: ":") else { return nil }
        switch kind {
        case UInt8(ascii: "f"), UInt8(ascii: "k"), UInt8(ascii: "v"): break
        case UInt8(ascii: "i"): guard Int(serialized.dropFirst(2)) != nil else { return nil }
        default: return nil
        }
        self.serialized = serialized
    }

    private init(_ serialized: String) { self.serialized = serialized }

    static func field(_ name: String) -> PathElement { PathElement("f:" + name) }
    static func key(_ fields: [String: JSONValue]) -> PathElement {
        PathElement("k:" + String(decoding: JSONValue.object(fields).encoded(), as: UTF8.self))
    }
    static func value(_ value: JSONValue) -> PathElement { PathElement("v:" + String(decoding: value.encoded(), as: UTF8.self)) }

    var body: Substring { serialized.dropFirst(2) }

    /// The spelling in conflict messages: `.name`, `[name="web"]`, `[="finalizer"]`, `[0]`.
    var pathComponent: String {
        switch serialized.prefix(2) {
        case "f:": return "." + body
        case "k:":
            guard case .object(let fields)? = try? JSONValue.decode(Array(body.utf8)) else { return "[" + body + "]" }
            let parts = fields.keys.sorted().map { name in "\(name)=\(String(decoding: fields[name]!.encoded(), as: UTF8.self))" }
            return "[" + parts.joined(separator: ",") + "]"
        case "v:": return "[=" + body + "]"
        default: return "[" + body + "]"
        }
    }

    /// structured-merge-diff's order: fields, then keys, then values, then indices.
    static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        if lhs.rank == 3 { return Int(lhs.body) ?? 0 < Int(rhs.body) ?? 0 }
        return lhs.body < rhs.body
    }

    var rank: Int {
        switch serialized.prefix(2) {
        case "f:": 0
        case "k:": 1
        case "v:": 2
        default: 3
        }
    }
}

typealias FieldPath = [PathElement]

extension [PathElement] {
    /// `.spec.template.spec.containers[name="web"].image`
    var pathDescription: String { map(\.pathComponent).joined() }
}
