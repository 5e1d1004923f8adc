import Foundation
import KubeClient

/// The Job controller for Jobs whose pods a `LocalKubelet` runs: the pods' exit codes decide. Pods run up to
/// `parallelism` at a time until `completions` succeeded; failures count against `backoffLimit` (failed pods
/// with restartPolicy Never, container restarts with OnFailure); `activeDeadlineSeconds` ends the Job.
/// A finished or suspended Job's running pods are deleted. (kube-controller-manager's delay before
/// replacing a failed pod is not reproduced: replacements start at once.)
struct LiveJobController {
    let store: ClusterStore
    let simulator: JobSimulator

    var pods: ResourceKey { DeploymentSimulator.pods }

    /// Returns when to look again (the active deadline), if anything but a change should wake it.
    func reconcile(_ job: JSONValue, key: ObjectKey, uid: String) -> Duration? {
        let spec = job["spec"] ?? [:]
        let owned = SimulationObjects.owned(by: uid, in: store, pods, namespace: key.namespace)
        let active = owned.filter { !Self.finished($0) && $0[path: ["metadata", "deletionTimestamp"]] == nil }
        if Self.isFinished(job) || spec["suspend"]?.boolValue == true {
            deleteAll(active, namespace: key.namespace)
            return nil
        }
        let now = Date()
        let startTime = job[path: ["status", "startTime"]]?.stringValue.flatMap(KubeTime.parse) ?? now
        let succeeded = owned.filter { $0[path: ["status", "phase"]] == "Succeeded" }.count
        let failed = owned.filter { $0[path: ["status", "phase"]] == "Failed" }.count
        let completions = Int(spec["completions"]?.intValue ?? 1)
        let backoffLimit = Int(spec["backoffLimit"]?.intValue ?? 6)
        var status: JSONValue = ["startTime": .string(KubeTime.format(startTime))]
        if succeeded > 0 { status["succeeded"] = .int(Int64(succeeded)) }
        if failed > 0 { status["failed"] = .int(Int64(failed)) }
        let stamp = KubeTime.format(now)

        var failure: (reason: String, message: String)?
        if let deadline = spec["activeDeadlineSeconds"]?.intValue, now.timeIntervalSince(startTime) >= TimeInterval(deadline) {
            failure = ("DeadlineExceeded", "Job was active longer than specified deadline")
        } else if failed > backoffLimit || pastBackoffLimitOnFailure(spec, active, limit: backoffLimit) {
            failure = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
        }
        if let failure {
            deleteAll(active, namespace: key.namespace)
            status["ready"] = 0
            status["conditions"] = [JobSimulator.condition("FailureTarget", failure.reason, failure.message, stamp),
                                    JobSimulator.condition("Failed", failure.reason, failure.message, stamp)]
            SimulationObjects.setStatus(store, JobSimulator.jobs, namespace: key.namespace, name: key.name, status)
            return nil
        }
        if succeeded >= completions {
            deleteAll(active, namespace: key.namespace)
            status["ready"] = 0
            status["completionTime"] = .string(stamp)
            status["conditions"] = [
                JobSimulator.condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", stamp),
                JobSimulator.condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", stamp),
            ]
            SimulationObjects.setStatus(store, JobSimulator.jobs, namespace: key.namespace, name: key.name, status)
            return nil
        }
        let parallelism = Int(spec["parallelism"]?.intValue ?? 1)
        var running = active.count
        while running < min(parallelism, completions - succeeded), simulator.createPod(for: job) != nil {
            running += 1
        }
        status["active"] = .int(Int64(running))
        status["ready"] = .int(Int64(active.filter(DeploymentSimulator.isReady).count))
        if running == 0 { status["active"] = nil }
        SimulationObjects.setStatus(store, JobSimulator.jobs, namespace: key.namespace, name: key.name, status)
        guard let deadline = spec["activeDeadlineSeconds"]?.intValue else { return nil }
        let remaining = TimeInterval(deadline) - now.timeIntervalSince(startTime)
        return .milliseconds(Int64(max(0, remaining) * 1000) + 10)
    }

    static func finished(_ pod: JSONValue) -> Bool {
        ["Succeeded", "Failed"].contains(pod[path: ["status", "phase"]]?.stringValue ?? "")
    }

    static func isFinished(_ job: JSONValue) -> Bool {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
            ["Complete", "Failed"].contains($0["type"]?.stringValue ?? "") && $0["status"] == "True"
        }
    }

    /// With restartPolicy OnFailure, container restarts of running pods count as failures.
    func pastBackoffLimitOnFailure(_ spec: JSONValue, _ active: [JSONValue], limit: Int) -> Bool {
        guard spec[path: ["template", "spec", "restartPolicy"]] == "OnFailure" else { return false }
        let restarts = active.reduce(0) { total, pod in
            total + (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(0) { $0 + Int($1["restartCount"]?.intValue ?? 0) }
        }
        return limit == 0 ? restarts > 0 : restarts >= limit
    }

    func deleteAll(_ pods: [JSONValue], namespace: String) {
        for pod in pods {
            _ = try? store.delete(resourceKey: self.pods, namespace: namespace, name: pod[path: ["metadata", "name"]]?.stringValue ?? "")
        }
    }
}
