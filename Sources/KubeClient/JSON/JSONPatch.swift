import Foundation

/// One operation of a JSON patch (RFC 6902).
public struct JSONPatchOperation: Sendable, Hashable, Codable {
    public enum Op: String, Sendable, Codable { case add, remove, replace, move, copy, test }
    public var op: Op
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: Op, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: .add, path: path, value: value) }
    public static func remove(_ path: String) -> Self { .init(op: .remove, path: path) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { .init(op: .replace, path: path, value: value) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: .test, path: path, value: value) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(op, forKey: .op)
        try container.encode(path, forKey: .path)
        if let from { try container.encode(from, forKey: .from) }
        // `value` is required for add/replace/test even when it is JSON null.
        switch op {
        case .add, .replace, .test: try container.encode(value ?? .null, forKey: .value)
        default: break
        }
    }

    enum CodingKeys: String, CodingKey { case op, path, value, from }
}

/// Why a JSON patch could not be applied.
public struct JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// JSON patch (RFC 6902) application and JSON pointer (RFC 6901) helpers.
public enum JSONPatch {
    public static func apply(_ operations: [JSONPatchOperation], to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var document = document
        for operation in operations {
            document = try apply(operation, to: document)
        }
        return document
    }

    static func apply(_ operation: JSONPatchOperation, to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        let path = try pointer(operation.path)
        switch operation.op {
        case .add:
            return try insert(operation.value ?? .null, at: path[...], in: document, replacing: false)
        case .replace:
            _ = try value(at: path, in: document)
            return try insert(operation.value ?? .null, at: path[...], in: document, replacing: true)
        case .remove:
            return try remove(at: path[...], in: document)
        case .test:
            let actual = try value(at: path, in: document)
            guard actual == (operation.value ?? .null) else {
                throw JSONPatchError("test failed: value at \(operation.path) is not the expected one")
            }
            return document
        case .move, .copy:
            guard let fromPointer = operation.from else { throw JSONPatchError("\(operation.op.rawValue) needs 'from'") }
            let from = try pointer(fromPointer)
            let moved = try value(at: from, in: document)
            let base = operation.op == .move ? try remove(at: from[...], in: document) : document
            return try insert(moved, at: path[...], in: base, replacing: false)
        }
    }

    /// Splits a JSON pointer into unescaped reference tokens.
    public static func pointer(_ string: String) throws(JSONPatchError) -> [String] {
        if string.isEmpty { return [] }
        guard string.hasPrefix("/") else { throw JSONPatchError("invalid JSON pointer '\(string)'") }
        return string.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// Escapes one reference token for use in a JSON pointer.
    public static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    public static func value(at path: [String], in document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw JSONPatchError("path /\(path.joined(separator: "/")) does not exist") }
                current = next
            case .array(let array):
                guard let index = Int(token), array.indices.contains(index) else {
                    throw JSONPatchError("path /\(path.joined(separator: "/")) does not exist")
                }
                current = array[index]
            default:
                throw JSONPatchError("path /\(path.joined(separator: "/")) does not exist")
            }
        }
        return current
    }

    static func insert(_ value: JSONValue, at path: ArraySlice<String>, in document: JSONValue, replacing: Bool)
        throws(JSONPatchError) -> JSONValue
    {
        guard let token = path.first else { return value }
        let rest = path.dropFirst()
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else { throw JSONPatchError("missing parent for '\(token)'") }
                object[token] = try insert(value, at: rest, in: child, replacing: replacing)
            }
            return .object(object)
        case .array(var array):
            if rest.isEmpty {
                if token == "-" && !replacing {
                    array.append(value)
                } else if let index = Int(token), index >= 0, index <= array.count {
                    if replacing {
                        guard index < array.count else { throw JSONPatchError("index \(index) out of range") }
                        array[index] = value
                    } else {
                        array.insert(value, at: index)
                    }
                } else {
                    throw JSONPatchError("invalid array index '\(token)'")
                }
            } else {
                guard let index = Int(token), array.indices.contains(index) else {
                    throw JSONPatchError("invalid array index '\(token)'")
                }
                array[index] = try insert(value, at: rest, in: array[index], replacing: replacing)
            }
            return .array(array)
        default:
            throw JSONPatchError("cannot add '\(token)' to a \(document.typeName)")
        }
    }

    static func remove(at path: ArraySlice<String>, in document: JSONValue) throws(JSONPatchError) -> JSONValue {
        guard let token = path.first else { throw JSONPatchError("cannot remove the document root") }
        let rest = path.dropFirst()
        switch document {
        case .object(var object):
            guard let child = object[token] else { throw JSONPatchError("path to remove does not exist: '\(token)'") }
            if rest.isEmpty { object.removeValue(forKey: token) } else { object[token] = try remove(at: rest, in: child) }
            return .object(object)
        case .array(var array):
            guard let index = Int(token), array.indices.contains(index) else {
                throw JSONPatchError("invalid array index '\(token)'")
            }
            if rest.isEmpty { array.remove(at: index) } else { array[index] = try remove(at: rest, in: array[index]) }
            return .array(array)
        default:
            throw JSONPatchError("path to remove does not exist: '\(token)'")
        }
    }
}
