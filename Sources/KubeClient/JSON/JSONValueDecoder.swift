import Foundation

/// Decodes a `Decodable` straight from a `JSONValue` the client already parsed, as `KubeJSON.decoder` would
/// decode the same JSON text, without writing the text and parsing it a second time (every watch event and
/// response took that detour: a quarter of the operator's CPU). A `JSONValue` field takes its subtree as is.
/// Foundation's special cases are kept: `Data` from base64, `URL` from a string, `Decimal` via Foundation.
enum JSONValueDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: CodingPath = .root) throws -> T {
        // Metatype comparisons, not casts: this runs for every nested value.
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try string(value, at: path) as! T }
        if T.self == Data.self { return try data(value, at: path) as! T }
        if T.self == URL.self { return try url(value, at: path) as! T }
        if T.self == Decimal.self { return try KubeJSON.decoder.decode(T.self, from: value.encoded()) }
        return try T(from: ValueDecoder(value: value, path: path))
    }

    static func mismatch(_ type: Any.Type, _ value: JSONValue, at path: CodingPath) -> DecodingError {
        let found = value == .null ? "null" : value.typeName
        return .typeMismatch(type, .init(codingPath: path.keys, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    static func bool(_ value: JSONValue, at path: CodingPath) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(Bool.self, value, at: path) }
        return bool
    }

    static func string(_ value: JSONValue, at path: CodingPath) throws -> String {
        guard case .string(let string) = value else { throw mismatch(String.self, value, at: path) }
        return string
    }

    static func double(_ value: JSONValue, at path: CodingPath) throws -> Double {
        switch value {
        case .double(let number): return number
        case .int(let number): return Double(number)
        default: throw mismatch(Double.self, value, at: path)
        }
    }

    static func float(_ value: JSONValue, at path: CodingPath) throws -> Float {
        let number = try double(value, at: path)
        guard abs(number) <= Double(Float.greatestFiniteMagnitude) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "Number \(number) does not fit in Float."))
        }
        return Float(number)
    }

    /// An integral number in range, as `JSONDecoder` accepts it (`2` and `2.0`, not `2.5` or `300` for a UInt8).
    static func integer<T: FixedWidthInteger>(_ value: JSONValue, as type: T.Type, at path: CodingPath) throws -> T {
        let exact: T?
        switch value {
        case .int(let number): exact = T(exactly: number)
        case .double(let number): exact = T(exactly: number)
        default: throw mismatch(T.self, value, at: path)
        }
        guard let exact else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "Number \(value.jsonString) does not fit in \(T.self)."))
        }
        return exact
    }

    static func data(_ value: JSONValue, at path: CodingPath) throws -> Data {
        guard let data = Data(base64Encoded: try string(value, at: path)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "Encountered Data is not valid Base64."))
        }
        return data
    }

    static func url(_ value: JSONValue, at path: CodingPath) throws -> URL {
        guard let url = URL(string: try string(value, at: path)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys, debugDescription: "Invalid URL string."))
        }
        return url
    }
}

struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw JSONValueDecoding.mismatch([String: Any].self, value, at: path) }
        return KeyedDecodingContainer(KeyedValueDecoder<Key>(object: object, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else { throw JSONValueDecoding.mismatch([Any].self, value, at: path) }
        return UnkeyedValueDecoder(array: array, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueDecoder(value: value, path: path) }
}

struct KeyedValueDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: path.keys, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try JSONValueDecoding.bool(value(key), at: path.appending(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try JSONValueDecoding.string(value(key), at: path.appending(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try JSONValueDecoding.double(value(key), at: path.appending(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try JSONValueDecoding.float(value(key), at: path.appending(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoding.decode(T.self, from: value(key), at: path.appending(key))
    }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try JSONValueDecoding.integer(value(key), as: T.self, at: path.appending(key))
    }

    /// One lookup instead of the three the protocol's default makes (contains, decodeNil, decode): Kubernetes
    /// objects are mostly optional fields.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.decode(T.self, from: value, at: path.appending(key))
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.string(value, at: path.appending(key))
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.bool(value, at: path.appending(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.integer(value, as: Int.self, at: path.appending(key))
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.integer(value, as: Int32.self, at: path.appending(key))
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.integer(value, as: Int64.self, at: path.appending(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try JSONValueDecoding.double(value, at: path.appending(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: value(key), path: path.appending(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: value(key), path: path.appending(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: object[IndexKey.super.stringValue] ?? .null, path: path.appending(IndexKey.super))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, path: path.appending(key))
    }
}

struct UnkeyedValueDecoder: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let path: CodingPath
    var currentIndex = 0
    var codingPath: [any CodingKey] { path.keys }
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [JSONValue], path: CodingPath) {
        self.array = array
        self.path = path
    }

    /// The next element and its path, moving past it.
    private mutating func next(_ type: Any.Type) throws -> (JSONValue, CodingPath) {
        let at = path.appending(index: currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: at.keys, debugDescription: "Unkeyed container is at end."))
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], at)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw DecodingError.valueNotFound(Any?.self, .init(codingPath: path.keys, debugDescription: "Unkeyed container is at end.")) }
        guard array[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let (value, at) = try next(type); return try JSONValueDecoding.bool(value, at: at) }
    mutating func decode(_ type: String.Type) throws -> String { let (value, at) = try next(type); return try JSONValueDecoding.string(value, at: at) }
    mutating func decode(_ type: Double.Type) throws -> Double { let (value, at) = try next(type); return try JSONValueDecoding.double(value, at: at) }
    mutating func decode(_ type: Float.Type) throws -> Float { let (value, at) = try next(type); return try JSONValueDecoding.float(value, at: at) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, at) = try next(type)
        return try JSONValueDecoding.decode(T.self, from: value, at: at)
    }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        let (value, at) = try next(T.self)
        return try JSONValueDecoding.integer(value, as: T.self, at: at)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, at) = try next([String: Any].self)
        return try ValueDecoder(value: value, path: at).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, at) = try next([Any].self)
        return try ValueDecoder(value: value, path: at).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, at) = try next(Any.self)
        return ValueDecoder(value: value, path: at)
    }
}

struct SingleValueDecoder: SingleValueDecodingContainer {
    let value: JSONValue
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try JSONValueDecoding.bool(value, at: path) }
    func decode(_ type: String.Type) throws -> String { try JSONValueDecoding.string(value, at: path) }
    func decode(_ type: Double.Type) throws -> Double { try JSONValueDecoding.double(value, at: path) }
    func decode(_ type: Float.Type) throws -> Float { try JSONValueDecoding.float(value, at: path) }
    func decode(_ type: Int.Type) throws -> Int { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: UInt.Type) throws -> UInt { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try JSONValueDecoding.integer(value, as: type, at: path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueDecoding.decode(T.self, from: value, at: path) }
}
