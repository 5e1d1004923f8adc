import Foundation

/// `metav1.ObjectMeta`.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    // managedFields has no typed property: it stays in the object's `raw` JSON and is sent back unchanged.

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
                annotations: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }
}

/// `metav1.OwnerReference`.
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
                blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// A controller reference to `owner`, as controller-runtime's SetControllerReference makes it.
    public static func controller(of owner: some KubeResource) -> OwnerReference {
        let type = type(of: owner).resourceType
        return OwnerReference(apiVersion: type.apiVersion, kind: type.kind, name: owner.metadata.name ?? "",
                              uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)
    }
}

/// `metav1.ListMeta`.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?
    public init() {}
}

/// `metav1.LabelSelector`.
public struct LabelSelectorSpec: Codable, Sendable, Hashable {
    public struct Requirement: Codable, Sendable, Hashable {
        public var key: String
        public var `operator`: String
        public var values: [String]?
        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }
    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?
    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// `metav1.Condition`, the standard condition shape.
public struct Condition: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable { case `true` = "True", `false` = "False", unknown = "Unknown" }
    public var type: String
    public var status: Status
    public var observedGeneration: Int64?
    public var lastTransitionTime: String
    public var reason: String
    public var message: String

    public init(type: String, status: Status, reason: String, message: String, observedGeneration: Int64? = nil,
                lastTransitionTime: String = KubeTime.format(Date())) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }
}

/// A value that is an integer or a string (`intstr.IntOrString`), such as a port name or number.
public enum IntOrString: Codable, Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case int(Int)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) { self = .int(value) } else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }
}

/// RFC 3339 timestamps as Kubernetes writes them (`2024-01-02T03:04:05Z`, and with microseconds for MicroTime).
public enum KubeTime {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    public static func formatMicro(_ date: Date) -> String {
        let seconds = format(date).dropLast()
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return "\(seconds).\(String(format: "%06d", micros))Z"
    }

    public static func parse(_ string: String) -> Date? {
        if let date = try? Date(string, strategy: .iso8601) { return date }
        return try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
