/// `core/v1.Event`: what `kubectl describe` lists under Events.
public struct CoreEvent: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
    public struct Source: Codable, Sendable, Hashable {
        public var component: String?
        public var host: String?
        public init(component: String? = nil) { self.component = component }
    }
    public var apiVersion = "v1"
    public var kind = "Event"
    public var metadata = ObjectMeta()
    public var involvedObject = ObjectReference()
    public var reason: String?
    public var message: String?
    public var type: String?
    public var count: Int?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var eventTime: String?
    public var source: Source?
    public var reportingComponent: String?
    public var reportingInstance: String?
    public var action: String?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init()) { self.metadata = metadata }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp
        case eventTime, source, reportingComponent, reportingInstance, action
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        involvedObject = try c.decode(.involvedObject, default: ObjectReference())
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        firstTimestamp = try c.decodeIfPresent(String.self, forKey: .firstTimestamp)
        lastTimestamp = try c.decodeIfPresent(String.self, forKey: .lastTimestamp)
        eventTime = try c.decodeIfPresent(String.self, forKey: .eventTime)
        source = try c.decodeIfPresent(Source.self, forKey: .source)
        reportingComponent = try c.decodeIfPresent(String.self, forKey: .reportingComponent)
        reportingInstance = try c.decodeIfPresent(String.self, forKey: .reportingInstance)
        action = try c.decodeIfPresent(String.self, forKey: .action)
    }
}

/// `core/v1.ObjectReference`.
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var fieldPath: String?
    public init(apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil,
                uid: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
    }

    public init(to object: some KubeResource) {
        let type = type(of: object).resourceType
        self.init(apiVersion: type.apiVersion, kind: type.kind, name: object.metadata.name,
                  namespace: object.metadata.namespace, uid: object.metadata.uid)
    }
}

/// `events.k8s.io/v1.Event`, the newer event API.
public struct EventV1: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true)
    public struct Series: Codable, Sendable, Hashable {
        public var count: Int
        public var lastObservedTime: String
        public init(count: Int, lastObservedTime: String) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }
    public var apiVersion = "events.k8s.io/v1"
    public var kind = "Event"
    public var metadata = ObjectMeta()
    public var eventTime = ""
    public var series: Series?
    public var reportingController: String?
    public var reportingInstance: String?
    public var action: String?
    public var reason: String?
    public var regarding: ObjectReference?
    public var note: String?
    public var type: String?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init()) { self.metadata = metadata }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, eventTime, series, reportingController, reportingInstance, action, reason
        case regarding, note, type
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        eventTime = try c.decode(.eventTime, default: "")
        series = try c.decodeIfPresent(Series.self, forKey: .series)
        reportingController = try c.decodeIfPresent(String.self, forKey: .reportingController)
        reportingInstance = try c.decodeIfPresent(String.self, forKey: .reportingInstance)
        action = try c.decodeIfPresent(String.self, forKey: .action)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        regarding = try c.decodeIfPresent(ObjectReference.self, forKey: .regarding)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        type = try c.decodeIfPresent(String.self, forKey: .type)
    }
}
