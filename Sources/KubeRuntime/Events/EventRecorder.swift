import Foundation
import KubeClient
import Logging

/// Writes `core/v1` Events, the ones `kubectl describe` lists, and folds repeats into one Event with a
/// growing count so a hot loop cannot flood the API server: a repeat within `aggregationWindow` only
/// bumps a local counter, which the next write carries.
public actor EventRecorder {
    public enum EventType: String, Sendable { case normal = "Normal", warning = "Warning" }

    struct Key: Hashable {
        var uid: String
        var type: EventType
        var reason: String
        var message: String
    }

    /// The Event already written for a key: its name, the count so far, and when it was last sent.
    struct Entry {
        var name: String
        var count: Int
        var lastWrite: ContinuousClock.Instant
    }

    let client: KubeClient
    let component: String
    let instance: String
    let aggregationWindow: Duration
    let cacheSize: Int
    let logger: Logger
    private var entries: [Key: Entry] = [:]
    private var order: [Key] = []

    public init(client: KubeClient, component: String, instance: String = ProcessInfo.processInfo.hostName,
                aggregationWindow: Duration = .seconds(10), cacheSize: Int = 4096,
                logger: Logger = Logger(label: "modelship.events")) {
        self.client = client
        self.component = component
        self.instance = instance
        self.aggregationWindow = aggregationWindow
        self.cacheSize = cacheSize
        self.logger = logger
    }

    /// What to send for one recorded Event: decided inside the actor, sent outside it, so that event
    /// writes of concurrent reconciles never queue behind one another.
    enum Write {
        case none
        case create(name: String, count: Int)
        case patch(name: String, count: Int)
    }

    /// Records an Event about `object`. Failures are logged, never thrown: events are best effort.
    public nonisolated func record(_ object: some KubeResource, type: EventType = .normal, reason: String, message: String) async {
        let reference = ObjectReference(to: object)
        let key = Key(uid: object.metadata.uid ?? "\(reference.namespace ?? "")/\(reference.name ?? "")", type: type,
                      reason: reason, message: message)
        let namespace = object.metadata.namespace ?? "default"
        let now = KubeTime.format(Date())
        let events = Api<CoreEvent>(client: client, namespace: namespace)
        switch await plan(key, objectName: reference.name ?? "object") {
        case .none:
            return
        case .patch(let name, let count):
            do {
                _ = try await events.patch(name, .merge(["count": .int(Int64(count)), "lastTimestamp": .string(now)]))
            } catch {
                // Deleted or expired meanwhile: forget it, so the next repeat writes a fresh Event.
                await forget(key)
                if !error.isNotFound {
                    logger.warning("could not update event", metadata: ["reason": "\(reason)", "error": "\(error)"])
                }
            }
        case .create(let name, let count):
            var event = CoreEvent(metadata: ObjectMeta(name: name, namespace: namespace))
            event.involvedObject = reference
            event.reason = reason
            event.message = message
            event.type = type.rawValue
            event.count = count
            event.firstTimestamp = now
            event.lastTimestamp = now
            event.source = .init(component: component)
            event.reportingComponent = component
            event.reportingInstance = instance
            do {
                _ = try await events.create(event)
            } catch {
                await forget(key)
                logger.warning("could not write event", metadata: ["reason": "\(reason)", "error": "\(error)"])
            }
        }
    }

    func plan(_ key: Key, objectName: String) -> Write {
        if var entry = entries[key] {
            entry.count += 1
            let due = entry.lastWrite.duration(to: .now) >= aggregationWindow
            if due { entry.lastWrite = .now }
            entries[key] = entry
            return due ? .patch(name: entry.name, count: entry.count) : .none
        }
        let name = "\(objectName).\(String(UInt64(Date().timeIntervalSince1970 * 1e9), radix: 16))"
        remember(key, Entry(name: name, count: 1, lastWrite: .now))
        return .create(name: name, count: 1)
    }

    func forget(_ key: Key) { entries[key] = nil }

    private func remember(_ key: Key, _ entry: Entry) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
        while order.count > cacheSize {
            entries[order.removeFirst()] = nil
        }
    }
}
