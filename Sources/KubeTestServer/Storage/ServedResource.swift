import KubeClient

/// A printer column for Table output (`kubectl get`).
public struct PrinterColumn: Sendable, Hashable {
    public var name: String
    public var type: String
    public var jsonPath: String
    public var priority: Int
    public var description: String
    public init(name: String, type: String, jsonPath: String, priority: Int = 0, description: String = "") {
        self.name = name
        self.type = type
        self.jsonPath = jsonPath
        self.priority = priority
        self.description = description
    }
}

/// One kind the server serves: its names, verbs, subresources, and (for custom resources) its schema.
public struct ServedResource: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String] = []
    public var categories: [String] = []
    public var hasStatus = false
    public var scale: ScaleSubresource?
    public var printerColumns: [PrinterColumn] = []
    /// Kinds whose table has no Name column (Events, as kubectl shows them).
    public var tableOmitsName = false
    /// Spec-carrying kinds get `metadata.generation`, bumped when anything but metadata and status changes.
    public var tracksGeneration = false
    /// The CRD's openAPIV3Schema, for custom resources.
    public var schema: JSONValue? {
        didSet { applySchema = SchemaNode.root(schema) }
    }
    /// The structural schema compiled for the write path (pruning, field ownership, patches).
    var applySchema: SchemaNode
    /// Set for custom resources: the CRD that defines them.
    public var definedByCRD: String?

    public struct ScaleSubresource: Sendable, Hashable {
        public var specReplicasPath: String
        public var statusReplicasPath: String
        public var labelSelectorPath: String?
    }

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.namespaced = namespaced
        self.applySchema = BuiltinSchemas.compiledRoot(group: group, version: version, kind: kind) ?? SchemaNode.root(nil)
    }

    public static func == (lhs: ServedResource, rhs: ServedResource) -> Bool {
        lhs.key == rhs.key && lhs.version == rhs.version && lhs.kind == rhs.kind && lhs.namespaced == rhs.namespaced
            && lhs.shortNames == rhs.shortNames && lhs.categories == rhs.categories && lhs.hasStatus == rhs.hasStatus
            && lhs.scale == rhs.scale && lhs.printerColumns == rhs.printerColumns && lhs.singular == rhs.singular
            && lhs.tableOmitsName == rhs.tableOmitsName && lhs.tracksGeneration == rhs.tracksGeneration
            && lhs.schema == rhs.schema && lhs.definedByCRD == rhs.definedByCRD
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(version)
        hasher.combine(kind)
    }

    public var key: ResourceKey { ResourceKey(group: group, plural: plural) }
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var groupVersion: String { apiVersion }
    public var listKind: String { kind + "List" }

    public var resourceType: ResourceType {
        ResourceType(group: group, version: version, kind: kind, plural: plural, namespaced: namespaced)
    }

    public static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}

/// Identifies a kind independent of version: objects are stored once per group and plural.
public struct ResourceKey: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var plural: String
    public init(group: String, plural: String) {
        self.group = group
        self.plural = plural
    }
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// Identifies one object within a kind.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}

extension ServedResource {
    /// The schema that unknown-field checks, pruning, strategic merge and server-side apply follow: the CRD's
    /// `openAPIV3Schema`, or the built-in kind's published schema.
    var structuralSchema: JSONValue? {
        schema ?? (definedByCRD == nil ? BuiltinSchemas.structural(for: self) : nil)
    }
}
