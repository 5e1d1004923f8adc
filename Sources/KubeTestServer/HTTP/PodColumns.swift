import Foundation
import KubeClient

/// The pod columns kubectl shows (kube-apiserver's printPod): READY as ready/total containers, STATUS as the
/// reason that matters most (a container's waiting or terminated reason, Terminating while being deleted),
/// RESTARTS with the time of the last one.
enum PodColumns {
    static let ready = "#ready"
    static let status = "#status"
    static let restarts = "#restarts"

    static func cell(_ path: String, _ pod: JSONValue, now: Date) -> JSONValue? {
        let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        switch path {
        case ready:
            let total = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? 0
            return .string("\(statuses.filter { $0["ready"]?.boolValue == true }.count)/\(total)")
        case status:
            return .string(reason(pod, statuses))
        case restarts:
            let count = statuses.reduce(0) { $0 + ($1["restartCount"]?.intValue ?? 0) }
            let last = statuses.compactMap { $0[path: ["lastState", "terminated", "finishedAt"]]?.stringValue.flatMap(KubeTime.parse) }.max()
            guard count > 0, let last else { return .string(String(count)) }
            return .string("\(count) (\(TableConverter.age(since: last, now: now)) ago)")
        default:
            return nil
        }
    }

    static func reason(_ pod: JSONValue, _ statuses: [JSONValue]) -> String {
        var reason = pod[path: ["status", "reason"]]?.stringValue ?? pod[path: ["status", "phase"]]?.stringValue ?? "Pending"
        var running = false
        for status in statuses.reversed() {
            if let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = status[path: ["state", "terminated"]] {
                if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                    reason = text
                } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                    reason = "Signal:\(signal)"
                } else {
                    reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                }
            } else if status["ready"]?.boolValue == true, status[path: ["state", "running"]] != nil {
                running = true
            }
        }
        if reason == "Completed", running { reason = "Running" }
        if pod[path: ["metadata", "deletionTimestamp"]] != nil { reason = "Terminating" }
        return reason
    }
}
