import Foundation

extension Api {
    /// Watches changes as typed events. The stream ends when the server closes the watch
    /// (after `timeoutSeconds`); it throws `.gone` when the resourceVersion is too old.
    /// `Watcher` in KubeRuntime adds resume, relist and backoff on top of this.
    public func watch(_ options: WatchOptions = .init()) async throws(KubeError) -> AsyncThrowingStream<WatchEvent<R>, any Error> {
        let stream = try await client.stream(path: collectionPath(namespace: namespace), query: options.query,
                                             timeout: .seconds(options.timeoutSeconds + 30))
        return AsyncThrowingStream(bufferingPolicy: .bufferingOldest(256)) { continuation in
            let task = Task { [self] in
                var splitter = LineSplitter()
                do {
                    for try await chunk in stream.body {
                        for line in try splitter.append(chunk) {
                            guard let event = try self.decodeWatchEvent(line) else { continue }
                            if case .dropped = continuation.yield(event) {
                                throw KubeError.transport("watch consumer fell behind; buffer full")
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func decodeWatchEvent(_ line: [UInt8]) throws(KubeError) -> WatchEvent<R>? {
        let json = try parse(Data(line))
        guard let type = json["type"]?.stringValue, let object = json["object"] else {
            throw .decoding("watch event without type or object")
        }
        switch type {
        case "ADDED": return .added(try decode(object))
        case "MODIFIED": return .modified(try decode(object))
        case "DELETED": return .deleted(try decode(object))
        case "BOOKMARK":
            return .bookmark(resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "")
        case "ERROR":
            let status = (try? object.decode(as: APIStatus.self)) ?? APIStatus(message: "watch error", reason: "InternalError", code: 500)
            throw KubeError.from(code: status.code ?? 500, status: status)
        default:
            throw .decoding("unknown watch event type '\(type)'")
        }
    }
}

/// Splits a byte stream into newline-terminated lines, with a bound on line length.
struct LineSplitter {
    static let maxLine = 64 * 1024 * 1024
    private var pending: [UInt8] = []

    mutating func append(_ chunk: [UInt8]) throws(KubeError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending += chunk[start..<newline]
            if !pending.isEmpty { lines.append(pending) }
            pending = []
            start = newline + 1
        }
        pending += chunk[start...]
        guard pending.count <= Self.maxLine else { throw .decoding("watch event larger than \(Self.maxLine) bytes") }
        return lines
    }
}
