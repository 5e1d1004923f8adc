import Foundation
import KubeClient

/// The CronJob controller, simulated: creates a Job from the template when the schedule fires (or when a
/// test triggers it), honours concurrencyPolicy and suspend, tracks active Jobs and prunes history.
struct CronJobSimulator {
    static let cronJobs = ResourceKey(group: "batch", plural: "cronjobs")

    let store: ClusterStore

    func reconcile(_ key: ObjectKey, trigger: Bool) {
        guard let cronJob = try? store.get(resourceKey: Self.cronJobs, namespace: key.namespace, name: key.name),
            cronJob[path: ["metadata", "deletionTimestamp"]] == nil
        else { return }
        let jobs = ownedJobs(cronJob)
        updateStatus(cronJob, jobs: jobs, scheduled: nil)
        pruneHistory(cronJob, jobs: jobs)
        guard cronJob[path: ["spec", "suspend"]]?.boolValue != true,
            let schedule = try? CronSchedule(cronJob[path: ["spec", "schedule"]]?.stringValue ?? "")
        else { return }
        let last = (cronJob[path: ["status", "lastScheduleTime"]]?.stringValue ?? cronJob[path: ["metadata", "creationTimestamp"]]?.stringValue)
            .flatMap(KubeTime.parse)
        guard let due = schedule.mostRecent(after: last, now: Date()) else { return }
        _ = try? startJob(cronJob, scheduledAt: due, name: "\(key.name)-\(Int(due.timeIntervalSince1970 / 60))", manual: false)
    }

    /// Creates a Job now, named as `kubectl create job --from=cronjob/...` would.
    func trigger(_ key: ObjectKey) throws(APIError) -> String {
        let cronJob = try store.get(resourceKey: Self.cronJobs, namespace: key.namespace, name: key.name)
        let job = try startJob(cronJob, scheduledAt: Date(), name: "\(key.name)-manual-\(ClusterStore.randomSuffix())", manual: true)
        return job[path: ["metadata", "name"]]?.stringValue ?? ""
    }

    @discardableResult
    func startJob(_ cronJob: JSONValue, scheduledAt: Date, name: String, manual: Bool) throws(APIError) -> JSONValue {
        let namespace = cronJob[path: ["metadata", "namespace"]]?.stringValue
        let active = ownedJobs(cronJob).filter { !Self.finished($0) }
        if !manual {
            switch cronJob[path: ["spec", "concurrencyPolicy"]]?.stringValue {
            case "Forbid" where !active.isEmpty:
                throw APIError(code: 409, reason: "Conflict", message: "a previous run is still active")
            case "Replace":
                for job in active {
                    _ = try? store.delete(resourceKey: JobSimulator.jobs, namespace: namespace,
                                          name: job[path: ["metadata", "name"]]?.stringValue ?? "", request: .init(propagation: .background))
                }
            default: break
            }
        }
        var metadata = cronJob[path: ["spec", "jobTemplate", "metadata"]] ?? [:]
        metadata["name"] = .string(name)
        metadata["ownerReferences"] = [SimulationObjects.controllerReference(to: cronJob, kind: "CronJob", apiVersion: "batch/v1")]
        metadata[path: ["annotations", manual ? "cronjob.kubernetes.io/instantiate" : "batch.kubernetes.io/cronjob-scheduled-timestamp"]] =
            .string(manual ? "manual" : KubeTime.format(scheduledAt))
        let body: JSONValue = ["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata,
                               "spec": cronJob[path: ["spec", "jobTemplate", "spec"]] ?? [:]]
        let job = try store.create(resourceKey: JobSimulator.jobs, namespace: namespace, body: body)
        if !manual {
            updateStatus(cronJob, jobs: ownedJobs(cronJob), scheduled: scheduledAt)
        }
        return job
    }

    func ownedJobs(_ cronJob: JSONValue) -> [JSONValue] {
        SimulationObjects.owned(by: cronJob[path: ["metadata", "uid"]]?.stringValue ?? "", in: store, JobSimulator.jobs,
                                namespace: cronJob[path: ["metadata", "namespace"]]?.stringValue ?? "")
    }

    static func finished(_ job: JSONValue) -> Bool {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
            ["Complete", "Failed"].contains($0["type"]?.stringValue) && $0["status"] == "True"
        }
    }

    static func succeeded(_ job: JSONValue) -> Bool {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Complete" && $0["status"] == "True" }
    }

    func updateStatus(_ cronJob: JSONValue, jobs: [JSONValue], scheduled: Date?) {
        var status = cronJob["status"] ?? [:]
        let active = jobs.filter { !Self.finished($0) }.map { job -> JSONValue in
            ["apiVersion": "batch/v1", "kind": "Job", "name": job[path: ["metadata", "name"]] ?? "",
             "namespace": job[path: ["metadata", "namespace"]] ?? "", "uid": job[path: ["metadata", "uid"]] ?? "",
             "resourceVersion": job[path: ["metadata", "resourceVersion"]] ?? ""]
        }
        status["active"] = active.isEmpty ? nil : .array(active)
        if let scheduled { status["lastScheduleTime"] = .string(KubeTime.format(scheduled)) }
        if let lastSuccess = jobs.filter(Self.succeeded).compactMap({ $0[path: ["status", "completionTime"]]?.stringValue }).max() {
            status["lastSuccessfulTime"] = .string(lastSuccess)
        }
        SimulationObjects.setStatus(store, Self.cronJobs, namespace: cronJob[path: ["metadata", "namespace"]]?.stringValue ?? "",
                                    name: cronJob[path: ["metadata", "name"]]?.stringValue ?? "", status)
    }

    func pruneHistory(_ cronJob: JSONValue, jobs: [JSONValue]) {
        let keepSucceeded = Int(cronJob[path: ["spec", "successfulJobsHistoryLimit"]]?.intValue ?? 3)
        let keepFailed = Int(cronJob[path: ["spec", "failedJobsHistoryLimit"]]?.intValue ?? 1)
        func byAge(_ list: [JSONValue]) -> [JSONValue] {
            list.sorted { ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "") < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "") }
        }
        let succeeded = byAge(jobs.filter(Self.succeeded))
        let failed = byAge(jobs.filter { Self.finished($0) && !Self.succeeded($0) })
        for job in succeeded.dropLast(keepSucceeded) + failed.dropLast(keepFailed) {
            _ = try? store.delete(resourceKey: JobSimulator.jobs, namespace: job[path: ["metadata", "namespace"]]?.stringValue,
                                  name: job[path: ["metadata", "name"]]?.stringValue ?? "", request: .init(propagation: .background))
        }
    }
}
