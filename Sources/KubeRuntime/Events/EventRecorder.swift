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

    struct Entry {
        var namespace: String
        var name: String
        var count: Int
        var written: Int
        var lastWrite: ContinuousClock.Instant
        var firstTimestamp: String
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

    /// Records an Event about `object`. Failures are logged, never thrown: events are best effort.
    public func record(_ object: some KubeResource, type: EventType = .normal, reason: String, message: String) async {
        let reference = ObjectReference(to: object)
        let key = Key(uid: object.metadata.uid ?? "\(reference.namespace ?? "")/\(reference.name ?? "")", type: type,
                      reason: reason, message: message)
        let namespace = object.metadata.namespace ?? "default"
        let now = KubeTime.format(Date())
        let events = Api<CoreEvent>(client: client, namespace: namespace)
        if var entry = entries[key] {
            entry.count += 1
            entries[key] = entry
            guard entry.lastWrite.duration(to: .now) >= aggregationWindow else { return }
            do {
                _ = try await events.patch(entry.name, .merge(["count": .int(Int64(entry.count)), "lastTimestamp": .string(now)]))
                entry.written = entry.count
                entry.lastWrite = .now
                entries[key] = entry
                return
            } catch {
                guard error.isNotFound else {
                    logger.warning("could not update event", metadata: ["reason": "\(reason)", "error": "\(error)"])
                    return
                }
                entries[key] = nil  // someone deleted it (or it expired): write a fresh one
            }
        }
        var event = CoreEvent(metadata: ObjectMeta(namespace: namespace))
        event.metadata.name = "\(reference.name ?? "object").\(String(UInt64(Date().timeIntervalSince1970 * 1e9), radix: 16))"
        event.involvedObject = reference
        event.reason = reason
        event.message = message
        event.type = type.rawValue
        event.count = entries[key]?.count ?? 1
        event.firstTimestamp = now
        event.lastTimestamp = now
        event.source = .init(component: component)
        event.reportingComponent = component
        event.reportingInstance = instance
        do {
            let created = try await events.create(event)
            remember(key, Entry(namespace: namespace, name: created.name, count: event.count ?? 1, written: event.count ?? 1,
                                lastWrite: .now, firstTimestamp: now))
        } catch {
            logger.warning("could not write event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }

    private func remember(_ key: Key, _ entry: Entry) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
        while order.count > cacheSize {
            entries[order.removeFirst()] = nil
        }
    }
}
