import KubeClient

/// The subset of kubectl's JSONPath used by printer columns: `.a.b`, `[0]`, `[*]`, `[?(@.type=="Ready")]`.
enum JSONPathLite {
    static func evaluate(_ expression: String, in object: JSONValue) -> [JSONValue] {
        var current: [JSONValue] = [object]
        var rest = Substring(expression.trimmingCharacters(in: CharacterSet(charactersIn: "{}")))
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                if !key.isEmpty { current = current.compactMap { $0[key] } }
            } else if rest.hasPrefix("[") {
                guard let close = closingBracket(rest) else { return [] }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                current = apply(String(inner), to: current)
            } else {
                return []
            }
        }
        return current
    }

    static func closingBracket(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var quoted = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" || character == "'" { quoted.toggle() }
            if quoted { continue }
            if character == "[" { depth += 1 }
            if character == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    static func apply(_ selector: String, to values: [JSONValue]) -> [JSONValue] {
        if selector == "*" {
            return values.flatMap { $0.arrayValue ?? $0.objectValue.map { Array($0.values) } ?? [] }
        }
        if let index = Int(selector) {
            return values.compactMap { value in
                guard let array = value.arrayValue else { return nil }
                let position = index < 0 ? array.count + index : index
                return array.indices.contains(position) ? array[position] : nil
            }
        }
        if selector.hasPrefix("?(@."), selector.hasSuffix(")") {
            let condition = selector.dropFirst(4).dropLast()
            let parts = condition.components(separatedBy: "==")
            guard parts.count == 2 else { return [] }
            let path = parts[0].trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
            let expected = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return values.flatMap { $0.arrayValue ?? [] }.filter { element in
                let actual = element[path: path]
                return actual?.stringValue == expected || actual.map { $0.jsonString } == expected
            }
        }
        let key = selector.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        return values.compactMap { $0[key] }
    }
}

import Foundation
