import Foundation

/// Encodes an `Encodable` straight into a `JSONValue`, with the results of `KubeJSON.encoder` followed by
/// parsing, but without writing and reading JSON text in between (the operator turns every child it wants and
/// every cached child it compares into a `JSONValue` on every reconcile; this was a quarter of its CPU).
/// Foundation's special cases are kept: `Data` as base64, `URL` as its absolute string, `Decimal` via
/// Foundation itself; non-finite numbers are refused as `JSONEncoder` refuses them.
enum JSONValueEncoding {
    static func encode<T: Encodable>(_ value: T, at path: CodingPath = .root) throws -> JSONValue {
        if T.self == JSONValue.self { return value as! JSONValue }
        // Metatype comparisons, not casts: this runs for every nested value.
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Decimal.self { return try JSONValue.decode(KubeJSON.encoder.encode(value)) }
        let storage = EncodingStorage()
        try value.encode(to: ValueEncoder(storage: storage, path: path))
        if storage.shape == .none, case .root = path {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return storage.resolve()
    }

    static func number(_ value: Double, at path: CodingPath) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path.keys, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        return .double(value)
    }

    /// As `JSONEncoder`, a Float is written as its own shortest decimal (0.1, not 0.10000000149011612).
    static func number(_ value: Float, at path: CodingPath) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path.keys, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        return .double(Double(value.description) ?? Double(value))
    }

    static func integer(_ value: some BinaryInteger) -> JSONValue {
        if let exact = Int64(exactly: value) { return .int(exact) }
        return .double(Double(value))
    }
}

/// What one encoder produced. Containers handed out for nested encoders fill in later, so they are kept as
/// storages of their own and folded in by `resolve()`.
final class EncodingStorage {
    enum Shape { case none, single, object, array }
    var shape = Shape.none
    var single = JSONValue.null
    var object: [String: JSONValue] = [:]
    var array: [JSONValue] = []
    var nestedByKey: [(String, EncodingStorage)] = []
    var nestedByIndex: [(Int, EncodingStorage)] = []

    /// A nested value that asked for no container encodes as an empty object, as with `JSONEncoder`.
    func resolve() -> JSONValue {
        switch shape {
        case .none: return .object([:])
        case .single: return single
        case .object:
            guard !nestedByKey.isEmpty else { return .object(object) }
            var result = object
            for (key, storage) in nestedByKey { result[key] = storage.resolve() }
            return .object(result)
        case .array:
            guard !nestedByIndex.isEmpty else { return .array(array) }
            var result = array
            for (index, storage) in nestedByIndex { result[index] = storage.resolve() }
            return .array(result)
        }
    }

    func nested(key: String, shape: Shape) -> EncodingStorage {
        let child = EncodingStorage()
        child.shape = shape
        nestedByKey.append((key, child))
        return child
    }

    func nestedElement(shape: Shape) -> EncodingStorage {
        let child = EncodingStorage()
        child.shape = shape
        nestedByIndex.append((array.count, child))
        array.append(.null)
        return child
    }
}

struct ValueEncoder: Encoder {
    let storage: EncodingStorage
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if storage.shape == .none { storage.shape = .object }
        return KeyedEncodingContainer(KeyedValueEncoder<Key>(storage: storage, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if storage.shape == .none { storage.shape = .array }
        return UnkeyedValueEncoder(storage: storage, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueEncoder(storage: storage, path: path) }
}

struct KeyedValueEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: EncodingStorage
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    private func set(_ value: JSONValue, _ key: Key) { storage.object[key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try JSONValueEncoding.number(value, at: path.appending(key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try JSONValueEncoding.number(value, at: path.appending(key)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(JSONValueEncoding.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(JSONValueEncoding.integer(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try JSONValueEncoding.encode(value, at: path.appending(key)), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = storage.nested(key: key.stringValue, shape: .object)
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(storage: child, path: path.appending(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedValueEncoder(storage: storage.nested(key: key.stringValue, shape: .array), path: path.appending(key))
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(storage: storage.nested(key: IndexKey.super.stringValue, shape: .none), path: path.appending(IndexKey.super))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(storage: storage.nested(key: key.stringValue, shape: .none), path: path.appending(key))
    }
}

struct UnkeyedValueEncoder: UnkeyedEncodingContainer {
    let storage: EncodingStorage
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var count: Int { storage.array.count }

    private func append(_ value: JSONValue) { storage.array.append(value) }
    private var next: CodingPath { path.appending(index: count) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try JSONValueEncoding.number(value, at: next)) }
    mutating func encode(_ value: Float) throws { append(try JSONValueEncoding.number(value, at: next)) }
    mutating func encode(_ value: Int) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { append(.int(value)) }
    mutating func encode(_ value: UInt) throws { append(JSONValueEncoding.integer(value)) }
    mutating func encode(_ value: UInt8) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { append(JSONValueEncoding.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try JSONValueEncoding.encode(value, at: next)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let at = next
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(storage: storage.nestedElement(shape: .object), path: at))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let at = next
        return UnkeyedValueEncoder(storage: storage.nestedElement(shape: .array), path: at)
    }

    mutating func superEncoder() -> any Encoder {
        let at = next
        return ValueEncoder(storage: storage.nestedElement(shape: .none), path: at)
    }
}

struct SingleValueEncoder: SingleValueEncodingContainer {
    let storage: EncodingStorage
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    private func set(_ value: JSONValue) {
        storage.shape = .single
        storage.single = value
    }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try JSONValueEncoding.number(value, at: path)) }
    mutating func encode(_ value: Float) throws { set(try JSONValueEncoding.number(value, at: path)) }
    mutating func encode(_ value: Int) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.int(value)) }
    mutating func encode(_ value: UInt) throws { set(JSONValueEncoding.integer(value)) }
    mutating func encode(_ value: UInt8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { set(JSONValueEncoding.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try JSONValueEncoding.encode(value, at: path)) }
}
