import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Testing

/// Waits, through a watch, until the named object satisfies `predicate` (nil: it does not exist).
/// Event-driven: it wakes on changes; the server-side timeout bounds the wait.
@discardableResult
func awaitObject<R: KubeResource>(_ api: Api<R>, _ name: String, timeoutSeconds: Int = 20,
                                  _ predicate: (R?) -> Bool) async throws -> R? {
    let list = try await api.list(.init(fieldSelector: .equals("metadata.name", name)))
    if predicate(list.items.first) { return list.items.first }
    var current = list.items.first
    let stream = try await api.watch(.init(fieldSelector: .equals("metadata.name", name), resourceVersion: list.metadata.resourceVersion,
                                           timeoutSeconds: timeoutSeconds, allowBookmarks: false))
    for try await event in stream {
        switch event {
        case .added(let object), .modified(let object): current = object
        case .deleted: current = nil
        case .bookmark: continue
        }
        if predicate(current) { return current }
    }
    Issue.record("\(R.resourceType.kind) \(name) did not reach the expected state in \(timeoutSeconds)s; last: \(String(describing: current?.metadata))")
    return current
}

/// A stream of values a test can await one by one, with a deadline measured on the continuous clock.
final class Signal<T: Sendable>: Sendable {
    let stream: AsyncStream<T>
    let continuation: AsyncStream<T>.Continuation
    init() { (stream, continuation) = AsyncStream<T>.makeStream() }
    func send(_ value: T) { continuation.yield(value) }

    /// Returns the first value matching `predicate`, or nil if none arrives within `timeout`.
    func first(within timeout: Duration = .seconds(20), where predicate: @Sendable @escaping (T) -> Bool) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { for await value in self.stream where predicate(value) { return value }; return nil }
            group.addTask { try? await ContinuousClock().sleep(until: .now.advanced(by: timeout), tolerance: nil); return nil }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }
}
