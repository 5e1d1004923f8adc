import Synchronization
import KubeClient

/// What a watch stream carries: changes, then periodic bookmarks.
public enum WatchMessage: Sendable {
    case change(type: ChangeType, object: JSONValue)
    case bookmark(revision: Int64)
}

/// An open watch: its messages, and how to end it or ask for a bookmark.
public struct WatchHandle: Sendable {
    public var messages: AsyncStream<WatchMessage>
    public var cancel: @Sendable () -> Void
    public var bookmark: @Sendable () -> Void
}

struct WatchRegistration {
    var resourceKey: ResourceKey
    var namespace: String?
    var labelSelector: LabelSelector?
    var fieldSelector: FieldSelector?
    var continuation: AsyncStream<WatchMessage>.Continuation

    func accepts(_ change: Change) -> Bool {
        guard change.resourceKey == resourceKey else { return false }
        if let namespace, change.object[path: ["metadata", "namespace"]]?.stringValue != namespace { return false }
        return true
    }

    /// The event this watcher sees: selector-filtered watches see objects enter (ADDED) and leave (DELETED).
    func translate(_ change: Change) -> WatchMessage? {
        let now = ClusterStore.matches(change.object, labelSelector, fieldSelector)
        switch change.type {
        case .modified:
            let before = change.previous.map { ClusterStore.matches($0, labelSelector, fieldSelector) } ?? now
            switch (before, now) {
            case (true, true): return .change(type: .modified, object: change.object)
            case (false, true): return .change(type: .added, object: change.object)
            case (true, false): return .change(type: .deleted, object: change.object)
            case (false, false): return nil
            }
        default:
            return now ? .change(type: change.type, object: change.object) : nil
        }
    }
}

extension ClusterStore {
    /// Maximum messages queued for one slow watcher before its stream is closed (it then re-watches).
    static let watcherBuffer = 2_000

    /// Starts a watch. From a resourceVersion: replays what came after it (410 Gone when that is no longer
    /// in the history). Without one: ADDED for every existing object first. Atomic with respect to writes.
    public func watch(resourceKey: ResourceKey, namespace: String?, labelSelector: LabelSelector?, fieldSelector: FieldSelector?,
                      resourceVersion: String?) throws(APIError) -> WatchHandle
    {
        let resource = try resource(resourceKey)
        let (stream, continuation) = AsyncStream<WatchMessage>.makeStream(bufferingPolicy: .bufferingOldest(Self.watcherBuffer))
        let registration = WatchRegistration(resourceKey: resourceKey, namespace: resource.namespaced ? namespace : nil,
                                             labelSelector: labelSelector, fieldSelector: fieldSelector, continuation: continuation)
        let id = try state.withLock { (state: inout State) throws(APIError) -> UInt64 in
            if let version = resourceVersion, !version.isEmpty, version != "0" {
                guard let revision = Int64(version) else { throw APIError.badRequest("invalid resourceVersion '\(version)'") }
                guard state.history.canResume(from: revision) else {
                    throw APIError.gone("too old resource version: \(revision) (\(state.history.evictedUpTo))")
                }
                for change in state.history.changes(after: revision) where registration.accepts(change) {
                    if let message = registration.translate(change) { continuation.yield(message) }
                }
            } else {
                let objects = (state.objects[resourceKey] ?? [:]).sorted { $0.key < $1.key }
                for (key, object) in objects where registration.namespace == nil || key.namespace == registration.namespace {
                    if Self.matches(object, labelSelector, fieldSelector) { continuation.yield(.change(type: .added, object: object)) }
                }
            }
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = registration
            return state.nextWatcherID
        }
        let cancel: @Sendable () -> Void = { [weak self] in self?.removeWatcher(id) }
        // Termination can happen while the store's lock is held (an overflowing watcher is finished
        // inside `publish`), so the clean-up must not take the lock synchronously.
        continuation.onTermination = { _ in Task { cancel() } }
        let bookmark: @Sendable () -> Void = { [weak self] in self?.bookmark(id) }
        return WatchHandle(messages: stream, cancel: cancel, bookmark: bookmark)
    }

    /// Records a change and hands it to every interested watcher; a watcher that cannot keep up is closed.
    func publish(_ state: inout State, _ change: Change) {
        state.history.append(change)
        var overflowed: [UInt64] = []
        for (id, watcher) in state.watchers where watcher.accepts(change) {
            guard let message = watcher.translate(change) else { continue }
            if case .dropped = watcher.continuation.yield(message) { overflowed.append(id) }
        }
        for id in overflowed {
            state.watchers[id]?.continuation.finish()
            state.watchers[id] = nil
        }
    }

    /// Queues a bookmark at the current revision: every change up to it has already been queued.
    func bookmark(_ id: UInt64) {
        state.withLock { state in
            _ = state.watchers[id]?.continuation.yield(.bookmark(revision: state.revision))
        }
    }

    func removeWatcher(_ id: UInt64) {
        let removed = state.withLock { $0.watchers.removeValue(forKey: id) }
        removed?.continuation.finish()
    }

    /// Closes every open watch (as a restarting API server would).
    public func dropAllWatches() {
        let all = state.withLock { state in
            defer { state.watchers.removeAll() }
            return Array(state.watchers.values)
        }
        for watcher in all { watcher.continuation.finish() }
    }

    public var watcherCount: Int { state.withLock { $0.watchers.count } }
}
