import Foundation
import KubeClient

/// `GET .../pods/{name}/log`: what a container printed, from the kubelet that runs it, with kubelet's
/// options (container, follow, previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes).
struct PodLogs {
    let store: ClusterStore
    let kubelet: LocalKubelet?
    let request: APIRequest
    let namespace: String
    let name: String

    func respond() async throws(APIError) -> APIResponse {
        guard request.method == "GET" else { throw APIError.methodNotAllowed("the server does not allow this method on the requested resource") }
        let pod = try store.get(resourceKey: KubeletContext.pods, namespace: namespace, name: name)
        let containers = PodSpecReader.containers(pod).compactMap { $0["name"]?.stringValue }
        let container: String
        if let requested = request.query["container"], !requested.isEmpty {
            guard containers.contains(requested) else {
                throw APIError.badRequest("container \(requested) is not valid for pod \(name)")
            }
            container = requested
        } else if containers.count == 1 {
            container = containers[0]
        } else {
            throw APIError.badRequest("a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
        }
        guard let kubelet, kubelet.runs(pod) else {
            throw APIError.badRequest("pod \(name) is simulated by the embedded control plane (its image is not mapped to an executable): "
                                      + "no process runs, so there are no logs")
        }
        let previous = request.query["previous"] == "true"
        guard let log = await kubelet.log(namespace: namespace, pod: name, container: container, previous: previous) else {
            if previous { throw APIError.badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found") }
            throw APIError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: ContainerCreating")
        }
        let options = try Options(request.query)
        let follow = request.query["follow"] == "true" && !previous
        let (existing, next) = follow ? log.follow() : (log.lines, AsyncStream<ContainerLog.Line> { $0.finish() })
        let first = options.select(existing)
        var response = APIResponse(status: 200, body: nil)
        response.headers.append(("Content-Type", "text/plain"))
        let stream = AsyncStream<[UInt8]> { continuation in
            let task = Task {
                var remaining = options.limitBytes
                func send(_ line: ContainerLog.Line) -> Bool {
                    var bytes = Array(options.format(line).utf8)
                    if let limit = remaining {
                        if bytes.count >= limit { bytes = Array(bytes.prefix(limit)) }
                        remaining = limit - bytes.count
                    }
                    continuation.yield(bytes)
                    return remaining.map { $0 > 0 } ?? true
                }
                var open = true
                for line in first where open { open = send(line) }
                if open, follow {
                    for await line in next where options.includes(line) {
                        guard send(line) else { break }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        response.stream = stream
        return response
    }

    struct Options {
        var tailLines: Int?
        var since: Date?
        var timestamps = false
        var limitBytes: Int?

        init(_ query: [String: String]) throws(APIError) {
            if let text = query["tailLines"] {
                guard let value = Int(text), value >= 0 else { throw APIError.badRequest("tailLines must be a non-negative integer") }
                tailLines = value
            }
            if let text = query["sinceSeconds"] {
                guard let value = Int(text), value > 0 else { throw APIError.badRequest("sinceSeconds must be a positive integer") }
                since = Date().addingTimeInterval(-TimeInterval(value))
            } else if let text = query["sinceTime"] {
                guard let value = KubeTime.parse(text) else { throw APIError.badRequest("sinceTime must be an RFC3339 time") }
                since = value
            }
            if let text = query["limitBytes"] {
                guard let value = Int(text), value > 0 else { throw APIError.badRequest("limitBytes must be a positive integer") }
                limitBytes = value
            }
            timestamps = query["timestamps"] == "true"
        }

        func includes(_ line: ContainerLog.Line) -> Bool { since.map { line.time >= $0 } ?? true }

        func select(_ lines: [ContainerLog.Line]) -> [ContainerLog.Line] {
            let recent = lines.filter(includes)
            return tailLines.map { Array(recent.suffix($0)) } ?? recent
        }

        func format(_ line: ContainerLog.Line) -> String {
            timestamps ? "\(Self.nanoTime(line.time)) \(line.text)\n" : line.text + "\n"
        }

        /// RFC 3339 with nanoseconds, as the container runtime stamps log lines.
        static func nanoTime(_ date: Date) -> String {
            let seconds = date.timeIntervalSince1970.rounded(.down)
            let nanos = Int((date.timeIntervalSince1970 - seconds) * 1_000_000_000)
            let base = KubeTime.format(Date(timeIntervalSince1970: seconds)).dropLast()
            return "\(base).\(String(format: "%09d", nanos))Z"
        }
    }
}
