import Foundation
import KubeClient
import Synchronization

/// The embedded API server's storage: every object as JSON, one global resourceVersion counter,
/// a bounded history of changes for watches, and the registered watchers.
///
/// All writes happen under one lock, so each write gets the next resourceVersion and watchers see
/// changes in exactly that order.
public final class ClusterStore: Sendable {
    struct State {
        var resources: [ResourceKey: ServedResource] = [:]
        var objects: [ResourceKey: [ObjectKey: JSONValue]] = [:]
        var revision: Int64 = 1
        var history = ChangeHistory(capacity: 10_000)
        var watchers: [UInt64: WatchRegistration] = [:]
        var nextWatcherID: UInt64 = 0
        var nextClusterIP: UInt32 = 10
        /// The Service network's /16, as its first two octets: a loopback range, so a Service proxy can listen on it.
        var serviceNetworkPrefix = "127.2"
        /// uid -> where the object lives, for owner lookups.
        var uids: [String: (ResourceKey, ObjectKey)] = [:]
        /// owner uid -> dependents, so garbage collection and the simulators never scan every object.
        var dependents: [String: Set<ObjectRefKey>] = [:]

        mutating func indexOwners(of object: JSONValue, at ref: ObjectRefKey, adding: Bool) {
            for owner in object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] {
                guard let uid = owner["uid"]?.stringValue else { continue }
                if adding {
                    dependents[uid, default: []].insert(ref)
                } else {
                    dependents[uid]?.remove(ref)
                    if dependents[uid]?.isEmpty == true { dependents[uid] = nil }
                }
            }
        }
    }

    /// Where an object is stored: its kind and its key.
    struct ObjectRefKey: Hashable {
        var resource: ResourceKey
        var key: ObjectKey
    }

    /// Objects of `resourceKey` whose owner references include `uid` (through the owner index).
    public func dependents(of uid: String, in resourceKey: ResourceKey) -> [JSONValue] {
        state.withLock { state in
            (state.dependents[uid] ?? []).filter { $0.resource == resourceKey }.sorted { $0.key < $1.key }
                .compactMap { state.objects[resourceKey]?[$0.key] }
        }
    }

    let state: Mutex<State>
    let clock: @Sendable () -> Date
    /// Which pods a kubelet runs, so their deletion is graceful (nil: no kubelet, every pod goes at once).
    let gracefulPods = Mutex<(@Sendable (JSONValue) -> Bool)?>(nil)
    static let podsKey = ResourceKey(group: "", plural: "pods")

    /// Where ClusterIPs come from (the first two octets of a /16), for Services created from now on.
    public func setServiceNetwork(prefix: String) {
        state.withLock { $0.serviceNetworkPrefix = prefix }
    }

    /// Makes deletion of the pods `runs` selects graceful, as when a kubelet runs them.
    public func setKubelet(runs: @escaping @Sendable (JSONValue) -> Bool) {
        gracefulPods.withLock { $0 = runs }
    }

    public init(historyCapacity: Int = 10_000, clock: @escaping @Sendable () -> Date = { Date() }) {
        var initial = State()
        initial.history = ChangeHistory(capacity: historyCapacity)
        for resource in BuiltinResources.all() {
            initial.resources[resource.key] = resource
        }
        state = Mutex(initial)
        self.clock = clock
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            _ = try? create(resourceKey: ResourceKey(group: "", plural: "namespaces"), namespace: nil,
                            body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
    }

    public var currentRevision: Int64 { state.withLock { $0.revision } }

    /// Shrinks or grows the watch history; a smaller one makes old resourceVersions expire sooner (410 Gone).
    public func setHistoryCapacity(_ capacity: Int) {
        state.withLock { $0.history.resize(capacity) }
    }

    public func servedResources() -> [ServedResource] {
        state.withLock { Array($0.resources.values) }
    }

    /// Finds a served kind by group, version and plural (or by kind name, for lookups from owner references).
    public func resource(group: String, version: String? = nil, plural: String) -> ServedResource? {
        state.withLock { state in
            guard let resource = state.resources[ResourceKey(group: group, plural: plural)] else { return nil }
            if let version, resource.version != version { return nil }
            return resource
        }
    }

    func resource(_ key: ResourceKey) throws(APIError) -> ServedResource {
        guard let resource = state.withLock({ $0.resources[key] }) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource \(key)")
        }
        return resource
    }

    // MARK: Reads

    public func get(resourceKey: ResourceKey, namespace: String?, name: String) throws(APIError) -> JSONValue {
        let resource = try resource(resourceKey)
        let key = ObjectKey(namespace: resource.namespaced ? namespace ?? "" : "", name: name)
        guard let object = state.withLock({ $0.objects[resourceKey]?[key] }) else {
            throw APIError.notFound(resource, name)
        }
        return object
    }

    public struct ListResult: Sendable {
        public var items: [JSONValue]
        public var resourceVersion: String
        public var continueToken: String?
        public var remainingItemCount: Int64?
    }

    public func list(resourceKey: ResourceKey, namespace: String?, labelSelector: LabelSelector? = nil,
                     fieldSelector: FieldSelector? = nil, limit: Int? = nil, continueToken: String? = nil)
        throws(APIError) -> ListResult
    {
        let resource = try resource(resourceKey)
        let start = try continueToken.map { (token: String) throws(APIError) -> ContinueToken in try ContinueToken.decode(token) }
        return state.withLock { state in
            let objects = state.objects[resourceKey] ?? [:]
            var keys = objects.keys.filter { key in
                guard !resource.namespaced || namespace == nil || key.namespace == namespace else { return false }
                if let start, !(start.after < key) { return false }
                return true
            }.sorted()
            var items: [JSONValue] = []
            var next: ContinueToken?
            var remaining: Int64?
            while !keys.isEmpty {
                let key = keys.removeFirst()
                guard let object = objects[key], Self.matches(object, labelSelector, fieldSelector) else { continue }
                items.append(object)
                if let limit, limit > 0, items.count >= limit, !keys.isEmpty {
                    next = ContinueToken(after: key, revision: start?.revision ?? state.revision)
                    if labelSelector?.isEmpty ?? true, fieldSelector == nil { remaining = Int64(keys.count) }
                    break
                }
            }
            return ListResult(items: items, resourceVersion: String(start?.revision ?? state.revision),
                              continueToken: next?.encoded(), remainingItemCount: remaining)
        }
    }

    static func matches(_ object: JSONValue, _ labels: LabelSelector?, _ fields: FieldSelector?) -> Bool {
        if let labels, !labels.isEmpty {
            let objectLabels = object[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            guard labels.matches(objectLabels) else { return false }
        }
        for term in fields?.terms ?? [] {
            let path = term.field.split(separator: ".").map(String.init)
            let value = object[path: path]
            let text = value?.stringValue ?? value.map { $0.jsonString } ?? ""
            if (text == term.value) == term.negated { return false }
        }
        return true
    }
}

/// Where a paged list continues: after this key, at this revision.
struct ContinueToken: Codable {
    var namespace: String
    var name: String
    var revision: Int64

    init(after key: ObjectKey, revision: Int64) {
        namespace = key.namespace
        name = key.name
        self.revision = revision
    }

    var after: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    func encoded() -> String {
        (try? JSONEncoder().encode(self).base64EncodedString()) ?? ""
    }

    static func decode(_ token: String) throws(APIError) -> ContinueToken {
        guard let data = Data(base64Encoded: token), let value = try? JSONDecoder().decode(ContinueToken.self, from: data) else {
            throw APIError.badRequest("invalid continue token")
        }
        return value
    }
}
