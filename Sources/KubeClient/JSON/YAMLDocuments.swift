import Foundation
import Yams

/// Reads Kubernetes YAML (one or many `---`-separated documents) into JSON values, as `kubectl apply -f` does.
public enum YAMLDocuments {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) throws(ParseError) -> [JSONValue] {
        do {
            var documents: [JSONValue] = []
            for document in try Yams.load_all(yaml: text) {
                let value = try convert(document)
                if value != .null { documents.append(value) }
            }
            return documents
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(description: "invalid YAML: \(error)")
        }
    }

    public static func load(path: String) throws(ParseError) -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(description: "cannot read \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    static func convert(_ value: Any) throws(ParseError) -> JSONValue {
        switch value {
        case let bool as Bool: return .bool(bool)
        case let int as Int: return .int(Int64(int))
        case let double as Double: return .double(double)
        case let string as String: return .string(string)
        case let array as [Any]:
            var result: [JSONValue] = []
            for element in array { result.append(try convert(element)) }
            return .array(result)
        case let map as [AnyHashable: Any]:
            var result: [String: JSONValue] = [:]
            for (key, element) in map { result["\(key)"] = try convert(element) }
            return .object(result)
        case is NSNull: return .null
        default:
            throw ParseError(description: "unsupported YAML value \(value)")
        }
    }
}
