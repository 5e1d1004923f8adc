import Foundation
import KubeClient

/// kube-controller-manager's progress deadline for a Deployment whose pods really run: any change in the
/// replica counts is progress (it moves Progressing's lastUpdateTime); a rollout without progress for
/// `progressDeadlineSeconds` (default 600) is reported as ProgressDeadlineExceeded.
struct ProgressCheck {
    var stalled: Bool
    var progressed: Bool
    /// When to look again: the moment the deadline would pass.
    var recheck: Duration?

    init(stalled: Bool, progressed: Bool, recheck: Duration?) {
        self.stalled = stalled
        self.progressed = progressed
        self.recheck = recheck
    }

    init(_ deployment: JSONValue, replicas: Int, total: Int, updated: Int, ready: Int, now: Date = Date()) {
        let previous = deployment["status"]
        let deadline = TimeInterval(deployment[path: ["spec", "progressDeadlineSeconds"]]?.intValue ?? 600)
        let complete = updated == replicas && ready == replicas && total == replicas
        let counts = [total, updated, ready]
        let before = ["replicas", "updatedReplicas", "readyReplicas"].map { Int(previous?[$0]?.intValue ?? 0) }
        let observed = previous?["observedGeneration"] == deployment[path: ["metadata", "generation"]]
        progressed = counts != before || !observed
        stalled = false
        recheck = nil
        guard !complete, !progressed else {
            recheck = complete ? nil : .seconds(Int64(deadline))
            return
        }
        let progressing = previous?["conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }
        if progressing?["reason"] == "ProgressDeadlineExceeded" {
            stalled = true
            return
        }
        let since = progressing?["lastUpdateTime"]?.stringValue.flatMap(KubeTime.parse) ?? now
        let remaining = deadline - now.timeIntervalSince(since)
        if remaining <= 0 {
            stalled = true
        } else {
            recheck = .milliseconds(Int64(remaining * 1000) + 10)
        }
    }
}
