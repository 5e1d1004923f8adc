import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Logging
import Synchronization
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


/// A log handler that keeps every message, for tests that check what was logged.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    final class Records: Sendable {
        typealias Entry = (message: String, metadata: Logger.Metadata)
        private let entries = Mutex<[Entry]>([])
        private let appended = Signal<Void>()

        func append(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
            entries.withLock { $0.append((message, metadata)) }
            appended.send(())
        }

        func messages(containing text: String) -> [Entry] {
            entries.withLock { $0.filter { $0.message.contains(text) } }
        }

        /// Waits, woken by each new message, until `count` messages contain `text`.
        func wait(for count: Int, containing text: String, within timeout: Duration = .seconds(20)) async -> [Entry] {
            if messages(containing: text).count >= count { return messages(containing: text) }
            _ = await appended.first(within: timeout) { [self] _ in messages(containing: text).count >= count }
            return messages(containing: text)
        }
    }

    let records: Records
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ records: Records) { self.records = records }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(event.level, event.message.description, metadata.merging(event.metadata ?? [:]) { $1 })
    }
}
