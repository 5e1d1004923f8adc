import Foundation

/// A label selector in the string syntax of the API (`app=web,tier!=db,env in (a,b),!legacy`).
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, [String])
        case notIn(String, [String])
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    /// Equality requirements for every label, sorted by key.
    public init(matching labels: [String: String]) {
        self.requirements = labels.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
    }

    /// From a `metav1.LabelSelector` (matchLabels and matchExpressions).
    public init(_ spec: LabelSelectorSpec) {
        var requirements = LabelSelector(matching: spec.matchLabels ?? [:]).requirements
        for expression in spec.matchExpressions ?? [] {
            let values = expression.values ?? []
            switch expression.operator {
            case "In": requirements.append(.isIn(expression.key, values))
            case "NotIn": requirements.append(.notIn(expression.key, values))
            case "Exists": requirements.append(.exists(expression.key))
            default: requirements.append(.doesNotExist(expression.key))
            }
        }
        self.requirements = requirements
    }

    public var isEmpty: Bool { requirements.isEmpty }

    public var description: String {
        requirements.map { requirement in
            switch requirement {
            case .equals(let key, let value): "\(key)=\(value)"
            case .notEquals(let key, let value): "\(key)!=\(value)"
            case .isIn(let key, let values): "\(key) in (\(values.joined(separator: ",")))"
            case .notIn(let key, let values): "\(key) notin (\(values.joined(separator: ",")))"
            case .exists(let key): key
            case .doesNotExist(let key): "!\(key)"
            }
        }.joined(separator: ",")
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }
}

extension LabelSelector {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses the API's selector syntax.
    public init(parsing text: String) throws(ParseError) {
        var requirements: [Requirement] = []
        for term in Self.splitTerms(text) {
            requirements.append(try Self.parseTerm(term))
        }
        self.requirements = requirements
    }

    /// Splits at commas that are not inside a parenthesised value set.
    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func parseTerm(_ term: String) throws(ParseError) -> Requirement {
        if let range = term.range(of: " notin ") ?? term.range(of: " in ") {
            let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let isNotIn = term[range].contains("notin")
            let rest = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("("), rest.hasSuffix(")") else {
                throw ParseError(description: "invalid selector term '\(term)': expected a parenthesised value list")
            }
            let values = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            try validateKey(key, term: term)
            return isNotIn ? .notIn(key, values) : .isIn(key, values)
        }
        if let range = term.range(of: "!=") {
            let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            try validateKey(key, term: term)
            return .notEquals(key, term[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            try validateKey(key, term: term)
            return .equals(key, term[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        if term.hasPrefix("!") {
            let key = term.dropFirst().trimmingCharacters(in: .whitespaces)
            try validateKey(key, term: term)
            return .doesNotExist(key)
        }
        try validateKey(term, term: term)
        return .exists(term)
    }

    static func validateKey(_ key: String, term: String) throws(ParseError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
        guard !key.isEmpty, key.allSatisfy(allowed.contains) else {
            throw ParseError(description: "invalid label key in selector term '\(term)'")
        }
    }
}

/// A field selector (`metadata.name=web,status.phase!=Running`).
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    public struct Term: Sendable, Hashable {
        public var field: String
        public var value: String
        public var negated: Bool
    }
    public var terms: [Term]

    public init(_ terms: [Term] = []) { self.terms = terms }
    public static func equals(_ field: String, _ value: String) -> FieldSelector {
        FieldSelector([Term(field: field, value: value, negated: false)])
    }

    public init(parsing text: String) throws(LabelSelector.ParseError) {
        terms = try text.split(separator: ",").map { (part: Substring) throws(LabelSelector.ParseError) -> Term in
            let term = String(part)
            if let range = term.range(of: "!=") {
                return Term(field: String(term[..<range.lowerBound]), value: String(term[range.upperBound...]), negated: true)
            }
            if let range = term.range(of: "==") ?? term.range(of: "=") {
                return Term(field: String(term[..<range.lowerBound]), value: String(term[range.upperBound...]), negated: false)
            }
            throw LabelSelector.ParseError(description: "invalid field selector term '\(term)'")
        }
    }

    public var description: String {
        terms.map { "\($0.field)\($0.negated ? "!=" : "=")\($0.value)" }.joined(separator: ",")
    }
}
