import KubeClient

/// What a watch reports.
public enum ChangeType: String, Sendable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK"
}

/// One committed change of one object.
struct Change: Sendable {
    var revision: Int64
    var type: ChangeType
    var resourceKey: ResourceKey
    var object: JSONValue
    /// The object before a modification, so a selector-filtered watch can turn "no longer matches" into DELETED.
    var previous: JSONValue?
}

/// A bounded ring of recent changes: watches resume from it; older resourceVersions get 410 Gone.
struct ChangeHistory {
    private var buffer: [Change] = []
    private var head = 0
    private(set) var capacity: Int
    /// The newest revision no longer in the history: a watch must start at or after it.
    private(set) var evictedUpTo: Int64 = 0

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    mutating func append(_ change: Change) {
        if buffer.count < capacity {
            buffer.append(change)
        } else {
            evictedUpTo = buffer[head].revision
            buffer[head] = change
            head = (head + 1) % capacity
        }
    }

    mutating func resize(_ newCapacity: Int) {
        let ordered = changes(after: 0)
        capacity = max(newCapacity, 1)
        let kept = ordered.suffix(capacity)
        if let firstKept = kept.first { evictedUpTo = max(evictedUpTo, firstKept.revision - 1) }
        if ordered.count > capacity, let lastDropped = ordered.dropLast(capacity).last {
            evictedUpTo = max(evictedUpTo, lastDropped.revision)
        }
        buffer = Array(kept)
        head = 0
    }

    /// Changes with a revision above `revision`, oldest first.
    func changes(after revision: Int64) -> [Change] {
        let ordered = buffer.count < capacity ? buffer : Array(buffer[head...] + buffer[..<head])
        return ordered.filter { $0.revision > revision }
    }

    func canResume(from revision: Int64) -> Bool { revision >= evictedUpTo }
}
