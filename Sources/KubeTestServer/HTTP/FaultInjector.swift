import Foundation
import KubeClient
import Synchronization

/// Makes the embedded API server misbehave on purpose: errors, latency, conflicts, dropped watches,
/// forced 410 Gone, or total unavailability. Controlled in-process or through `/__admin/faults`.
public final class FaultInjector: Sendable {
    public struct Rule: Sendable, Codable, Equatable {
        /// "get", "list", "watch", "create", "update", "patch", "delete", or nil for every verb.
        public var verb: String?
        /// Plural resource name ("deployments"), or nil for every resource.
        public var resource: String?
        /// HTTP status to answer with (500, 503, 429, 409, 410, 403); nil to only add latency.
        public var status: Int?
        public var retryAfterSeconds: Int?
        public var latencyMilliseconds: Int?
        /// How many matching requests this rule affects; nil for all.
        public var times: Int?

        public init(verb: String? = nil, resource: String? = nil, status: Int? = nil, retryAfterSeconds: Int? = nil,
                    latencyMilliseconds: Int? = nil, times: Int? = nil) {
            self.verb = verb
            self.resource = resource
            self.status = status
            self.retryAfterSeconds = retryAfterSeconds
            self.latencyMilliseconds = latencyMilliseconds
            self.times = times
        }
    }

    struct State {
        var rules: [Rule] = []
        var unavailableUntil: Date?
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func add(_ rule: Rule) { state.withLock { $0.rules.append(rule) } }
    public func clear() { state.withLock { $0.rules.removeAll(); $0.unavailableUntil = nil } }

    /// Every request fails with 503 until `duration` has passed.
    public func makeUnavailable(for duration: Duration) {
        let until = Date().addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        state.withLock { $0.unavailableUntil = until }
    }

    /// Requests seen, by "verb resource" (e.g. "patch deployments"); lets tests count writes.
    public func requestCounts() -> [String: Int] { state.withLock { $0.counts } }
    public func resetCounts() { state.withLock { $0.counts.removeAll() } }

    /// Records the request and returns what to do to it: a latency, an error, both or neither.
    func decide(verb: String, resource: String) -> (latency: Duration?, error: APIError?) {
        state.withLock { state in
            state.counts["\(verb) \(resource)", default: 0] += 1
            if let until = state.unavailableUntil {
                if Date() < until {
                    var error = APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request")
                    error.retryAfterSeconds = 1
                    return (nil, error)
                }
                state.unavailableUntil = nil
            }
            guard let index = state.rules.firstIndex(where: { ($0.verb == nil || $0.verb == verb) && ($0.resource == nil || $0.resource == resource) })
            else { return (nil, nil) }
            let rule = state.rules[index]
            if let times = rule.times {
                if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].times = times - 1 }
            }
            let latency = rule.latencyMilliseconds.map { Duration.milliseconds($0) }
            guard let status = rule.status else { return (latency, nil) }
            var error = APIError(code: status, reason: HTTPReason.reason(status), message: "injected fault: \(status) for \(verb) \(resource)")
            error.retryAfterSeconds = rule.retryAfterSeconds
            return (latency, error)
        }
    }
}

enum HTTPReason {
    static func reason(_ code: Int) -> String {
        switch code {
        case 403: "Forbidden"
        case 409: "Conflict"
        case 410: "Expired"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "InternalError"
        }
    }
}
