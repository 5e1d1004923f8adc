import Foundation
import Synchronization

/// What one run of a container printed, line by line with the time each line arrived, as the container
/// runtime's log file keeps it: `kubectl logs` reads it (whole, tail, since, with timestamps) and follows it
/// until the process ends. Bounded like kubelet's log rotation (10 MiB by default): older lines go first.
final class ContainerLog: Sendable {
    struct Line: Sendable, Equatable {
        var time: Date
        var text: String
    }

    static let maximumBytes = 10 * 1024 * 1024

    private struct State {
        var lines: [Line] = []
        var first = 0
        var bytes = 0
        var followers: [UInt64: AsyncStream<Line>.Continuation] = [:]
        var nextFollower: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    func append(_ text: String, at time: Date = Date()) {
        let line = Line(time: time, text: text)
        state.withLock { state in
            guard !state.closed else { return }
            state.lines.append(line)
            state.bytes += text.utf8.count + 1
            while state.bytes > Self.maximumBytes, state.first < state.lines.count {
                state.bytes -= state.lines[state.first].text.utf8.count + 1
                state.first += 1
            }
            if state.first > 4096, state.first * 2 > state.lines.count {
                state.lines.removeFirst(state.first)
                state.first = 0
            }
            for follower in state.followers.values { follower.yield(line) }
        }
    }

    /// The process ended: followers finish after the last line.
    func close() {
        state.withLock { state in
            state.closed = true
            for follower in state.followers.values { follower.finish() }
            state.followers = [:]
        }
    }

    var lines: [Line] { state.withLock { Array($0.lines[$0.first...]) } }

    /// The lines so far, then every new one until the log closes (or the consumer stops).
    func follow() -> (existing: [Line], next: AsyncStream<Line>) {
        let (stream, continuation) = AsyncStream<Line>.makeStream()
        let existing = state.withLock { state -> [Line] in
            if state.closed {
                continuation.finish()
            } else {
                let id = state.nextFollower
                state.nextFollower += 1
                state.followers[id] = continuation
                continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.followers.removeValue(forKey: id) } }
            }
            return Array(state.lines[state.first...])
        }
        return (existing, stream)
    }
}

/// Splits a byte stream into lines (the last one may arrive without a newline, at the end).
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    mutating func finish() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
