import KubeClient

/// One step of a field path, as structured-merge-diff names them in `managedFields`.
enum PathElement: Hashable, Sendable, Comparable {
    /// A field of an object: `f:name`.
    case field(String)
    /// An element of an associative list, by its key fields (canonical JSON, keys sorted): `k:{"name":"web"}`.
    case key(String)
    /// An element of a set list, by its value (canonical JSON): `v:"finalizer"`.
    case value(String)
    /// An element of a list by position (never persisted by apply; kept for completeness): `i:0`.
    case index(Int)

    static func key(_ fields: [String: JSONValue]) -> PathElement { .key(String(decoding: JSONValue.object(fields).encoded(), as: UTF8.self)) }
    static func value(_ value: JSONValue) -> PathElement { .value(String(decoding: value.encoded(), as: UTF8.self)) }

    /// The `fieldsV1` spelling.
    var serialized: String {
        switch self {
        case .field(let name): "f:" + name
        case .key(let json): "k:" + json
        case .value(let json): "v:" + json
        case .index(let index): "i:" + String(index)
        }
    }

    init?(serialized: String) {
        let body = String(serialized.dropFirst(2))
        switch serialized.prefix(2) {
        case "f:": self = .field(body)
        case "k:": self = .key(body)
        case "v:": self = .value(body)
        case "i:": guard let index = Int(body) else { return nil }; self = .index(index)
        default: return nil
        }
    }

    /// The spelling in conflict messages: `.name`, `[name="web"]`, `[="finalizer"]`, `[0]`.
    var pathComponent: String {
        switch self {
        case .field(let name): return "." + name
        case .key(let json):
            guard case .object(let fields)? = try? JSONValue.decode(Array(json.utf8)) else { return "[" + json + "]" }
            let parts = fields.keys.sorted().map { name in "\(name)=\(String(decoding: fields[name]!.encoded(), as: UTF8.self))" }
            return "[" + parts.joined(separator: ",") + "]"
        case .value(let json): return "[=" + json + "]"
        case .index(let index): return "[\(index)]"
        }
    }

    /// structured-merge-diff's order: fields, then keys, then values, then indices.
    static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        switch (lhs, rhs) {
        case (.field(let a), .field(let b)), (.key(let a), .key(let b)), (.value(let a), .value(let b)): return a < b
        case (.index(let a), .index(let b)): return a < b
        default: return lhs.rank < rhs.rank
        }
    }

    var rank: Int {
        switch self {
        case .field: 0
        case .key: 1
        case .value: 2
        case .index: 3
        }
    }
}

typealias FieldPath = [PathElement]

extension [PathElement] {
    /// `.spec.template.spec.containers[name="web"].image`
    var pathDescription: String { map(\.pathComponent).joined() }
}
