import KubeClient
import Synchronization

/// The namespace and name of an object: what the work queue carries and reconcilers receive.
public struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String?
    public var name: String
    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }
    public init(_ object: some KubeResource) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
    }
    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }
}

/// A read-only cache of one kind, fed by a `Watcher`, with indexes by namespace, controller owner uid
/// and label. Readers get values; only the watcher writes.
public final class Store<R: KubeResource>: Sendable {
    struct State {
        var objects: [ObjectRef: R] = [:]
        var byNamespace: [String: Set<ObjectRef>] = [:]
        var byControllerUID: [String: Set<ObjectRef>] = [:]
        var byLabel: [String: Set<ObjectRef>] = [:]
        var synced = false
        var syncWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    /// Whether objects keep the JSON the server sent (`raw`) beside their typed fields. A cache read only
    /// through the typed fields drops it: the JSON tree is the larger half of an object's memory.
    let keepsRaw: Bool

    public init(keepsRaw: Bool = true) { self.keepsRaw = keepsRaw }

    public func get(_ ref: ObjectRef) -> R? { state.withLock { $0.objects[ref] } }
    public func get(namespace: String?, name: String) -> R? { get(ObjectRef(namespace: namespace, name: name)) }
    public var all: [R] { state.withLock { Array($0.objects.values) } }
    public var count: Int { state.withLock { $0.objects.count } }
    public var keys: [ObjectRef] { state.withLock { Array($0.objects.keys) } }
    /// True once the first complete list has been loaded.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    public func list(namespace: String) -> [R] {
        state.withLock { state in (state.byNamespace[namespace] ?? []).compactMap { state.objects[$0] } }
    }

    /// Objects whose controller owner reference points at `uid`.
    public func controlled(by uid: String) -> [R] {
        state.withLock { state in (state.byControllerUID[uid] ?? []).compactMap { state.objects[$0] } }
    }

    /// Objects carrying the label `key=value`.
    public func labelled(_ key: String, _ value: String) -> [R] {
        state.withLock { state in (state.byLabel["\(key)=\(value)"] ?? []).compactMap { state.objects[$0] } }
    }

    // MARK: Updates from the watcher

    /// Returns once the first complete list has been loaded.
    public func waitUntilSynced() async {
        await withCheckedContinuation { continuation in
            let synced = state.withLock { state -> Bool in
                if state.synced { return true }
                state.syncWaiters.append(continuation)
                return false
            }
            if synced { continuation.resume() }
        }
    }

    func replaceAll(_ objects: [R]) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let waiters = state.syncWaiters
            state = State()
            for object in objects { insert(object, into: &state) }
            state.synced = true
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stores the object and returns the one it replaced.
    @discardableResult
    func apply(_ object: R) -> R? {
        let ref = ObjectRef(object)
        return state.withLock { state in
            // Most updates (status, resourceVersion) leave every index as it was: replace the object alone.
            if let previous = state.objects[ref], previous.metadata.labels == object.metadata.labels,
                previous.metadata.controllerReference?.uid == object.metadata.controllerReference?.uid
            {
                state.objects[ref] = cached(object)
                return previous
            }
            let previous = Self.remove(ref, from: &state)
            insert(object, into: &state)
            return previous
        }
    }

    func delete(_ object: R) {
        state.withLock { state in Self.remove(ObjectRef(object), from: &state) }
    }

    /// The object as this cache keeps it (without its raw JSON unless `keepsRaw`).
    private func cached(_ object: R) -> R {
        guard !keepsRaw else { return object }
        var object = object
        object.raw = nil
        return object
    }

    private func insert(_ object: R, into state: inout State) {
        let object = cached(object)
        let ref = ObjectRef(object)
        state.objects[ref] = object
        state.byNamespace[object.metadata.namespace ?? "", default: []].insert(ref)
        if let uid = object.metadata.controllerReference?.uid { state.byControllerUID[uid, default: []].insert(ref) }
        for (key, value) in object.metadata.labels ?? [:] { state.byLabel["\(key)=\(value)", default: []].insert(ref) }
    }

    @discardableResult
    private static func remove(_ ref: ObjectRef, from state: inout State) -> R? {
        guard let old = state.objects.removeValue(forKey: ref) else { return nil }
        state.byNamespace[old.metadata.namespace ?? ""]?.remove(ref)
        if let uid = old.metadata.controllerReference?.uid {
            state.byControllerUID[uid]?.remove(ref)
            if state.byControllerUID[uid]?.isEmpty == true { state.byControllerUID[uid] = nil }
        }
        for (key, value) in old.metadata.labels ?? [:] { state.byLabel["\(key)=\(value)"]?.remove(ref) }
        return old
    }
}
