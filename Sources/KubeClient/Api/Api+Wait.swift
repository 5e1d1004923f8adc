/// Waiting for an object to reach a state, driven by a watch (kube-rs's `await_condition`).
extension Api {
    public struct WaitTimeout: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Returns the object once `condition` holds for it (nil: it does not exist); wakes on changes only.
    /// Throws `WaitTimeout` when it does not happen within `timeoutSeconds`.
    @discardableResult
    public func waitUntil(_ name: String, timeoutSeconds: Int = 30, _ condition: (R?) -> Bool) async throws -> R? {
        let field = FieldSelector.equals("metadata.name", name)
        let list = try await list(.init(fieldSelector: field))
        var current = list.items.first
        if condition(current) { return current }
        let options = WatchOptions(fieldSelector: field, resourceVersion: list.metadata.resourceVersion,
                                   timeoutSeconds: timeoutSeconds, allowBookmarks: false)
        for try await event in try await watch(options) {
            switch event {
            case .added(let object), .modified(let object): current = object
            case .deleted: current = nil
            case .bookmark: continue
            }
            if condition(current) { return current }
        }
        throw WaitTimeout(description: "\(resourceType.kind) \(name) did not reach the expected state within \(timeoutSeconds)s")
    }

    /// Returns the objects once `condition` holds for all of them together (for example "an Event with this
    /// reason exists"); wakes on changes only. Throws `WaitTimeout` when it does not happen within `timeoutSeconds`.
    @discardableResult
    public func waitUntilList(labelSelector: LabelSelector? = nil, timeoutSeconds: Int = 30,
                              _ condition: ([R]) -> Bool) async throws -> [R] {
        let list = try await list(.init(labelSelector: labelSelector))
        var current: [String: R] = [:]
        for item in list.items { current[item.name] = item }
        if condition(Array(current.values)) { return Array(current.values) }
        let options = WatchOptions(labelSelector: labelSelector, resourceVersion: list.metadata.resourceVersion,
                                   timeoutSeconds: timeoutSeconds, allowBookmarks: false)
        for try await event in try await watch(options) {
            switch event {
            case .added(let object), .modified(let object): current[object.name] = object
            case .deleted(let object): current[object.name] = nil
            case .bookmark: continue
            }
            if condition(Array(current.values)) { return Array(current.values) }
        }
        throw WaitTimeout(description: "\(resourceType.kind) list did not reach the expected state within \(timeoutSeconds)s")
    }
}
