import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Testing

/// Waits, through a watch, until the named object satisfies `predicate`; records an issue on timeout.
@discardableResult
func awaitObject<R: KubeResource>(_ api: Api<R>, _ name: String, timeoutSeconds: Int = 20,
                                  _ predicate: (R?) -> Bool) async throws -> R? {
    do {
        return try await api.waitUntil(name, timeoutSeconds: timeoutSeconds, predicate)
    } catch let timeout as Api<R>.WaitTimeout {
        Issue.record("\(timeout)")
        return nil
    }
}

/// A stream of values a test can await one by one, with a deadline measured on the continuous clock.
final class Signal<T: Sendable>: Sendable {
    let stream: AsyncStream<T>
    let continuation: AsyncStream<T>.Continuation
    init() { (stream, continuation) = AsyncStream<T>.makeStream() }
    func send(_ value: T) { continuation.yield(value) }

    /// Returns the first value matching `predicate`, or nil if none arrives within `timeout`.
    func first(within timeout: Duration = .seconds(20), where predicate: @Sendable @escaping (T) -> Bool) async -> T? {
        await KubeRuntimeTests.within(timeout) {
            for await value in self.stream where predicate(value) { return value }
            return nil
        }
    }
}

/// Races `body` against a deadline; nil when the deadline passes first. The deadline bounds a wait on a
/// condition; it is never the wait itself.
func within<T: Sendable>(_ timeout: Duration, _ body: @Sendable @escaping () async throws -> T?) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { try? await body() }
        group.addTask { try? await ContinuousClock().sleep(until: .now.advanced(by: timeout), tolerance: nil); return nil }  // deadline
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
