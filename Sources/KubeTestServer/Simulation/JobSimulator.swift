import Foundation
import KubeClient
import Synchronization

/// The Job controller, simulated: one Pod per Job; the outcome (succeed, fail, hold) comes from the
/// test hooks and defaults to success.
struct JobSimulator {
    static let jobs = ResourceKey(group: "batch", plural: "jobs")

    let store: ClusterStore
    let hooks: SimulationHooks
    let kubelet: LocalKubelet?

    /// Returns when to reconcile again regardless of changes (a live Job's active deadline).
    func reconcile(_ key: ObjectKey) -> Duration? {
        guard let job = try? store.get(resourceKey: Self.jobs, namespace: key.namespace, name: key.name),
            job[path: ["metadata", "deletionTimestamp"]] == nil, let uid = job[path: ["metadata", "uid"]]?.stringValue
        else { return nil }
        if kubelet?.runs(podSpec: job[path: ["spec", "template", "spec"]] ?? [:]) == true {
            return LiveJobController(store: store, simulator: self).reconcile(job, key: key, uid: uid)
        }
        simulate(job, key: key, uid: uid)
        return nil
    }

    /// A Job nothing runs: one pod, and the outcome the hooks set (success by default).
    func simulate(_ job: JSONValue, key: ObjectKey, uid: String) {
        let conditions = job[path: ["status", "conditions"]]?.arrayValue ?? []
        if conditions.contains(where: { ["Complete", "Failed"].contains($0["type"]?.stringValue) && $0["status"] == "True" }) { return }
        if job[path: ["spec", "suspend"]]?.boolValue == true { return }
        var pods = SimulationObjects.owned(by: uid, in: store, DeploymentSimulator.pods, namespace: key.namespace)
        if pods.isEmpty, let pod = createPod(for: job) { pods = [pod] }
        guard let pod = pods.first, let podName = pod[path: ["metadata", "name"]]?.stringValue else { return }
        let now = KubeTime.format(Date())
        guard let started = job[path: ["status", "startTime"]] else {
            SimulationObjects.setStatus(store, DeploymentSimulator.pods, namespace: key.namespace, name: podName, PodStatusFactory.running(pod))
            SimulationObjects.setStatus(store, Self.jobs, namespace: key.namespace, name: key.name,
                                        ["startTime": .string(now), "active": 1, "ready": 1])
            return
        }
        switch hooks.withLock({ $0.jobOutcomes[key] }) ?? .succeed {
        case .hold:
            return
        case .succeed:
            SimulationObjects.setStatus(store, DeploymentSimulator.pods, namespace: key.namespace, name: podName,
                                        PodStatusFactory.terminated(pod, succeeded: true, message: nil))
            SimulationObjects.setStatus(store, Self.jobs, namespace: key.namespace, name: key.name, [
                "startTime": started, "completionTime": .string(now), "succeeded": 1, "ready": 0,
                "conditions": [
                    Self.condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now),
                    Self.condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now),
                ],
            ])
        case .fail(let message):
            SimulationObjects.setStatus(store, DeploymentSimulator.pods, namespace: key.namespace, name: podName,
                                        PodStatusFactory.terminated(pod, succeeded: false, message: message))
            SimulationObjects.setStatus(store, Self.jobs, namespace: key.namespace, name: key.name, [
                "startTime": started, "failed": .int((job[path: ["spec", "backoffLimit"]]?.intValue ?? 6) + 1), "ready": 0,
                "conditions": [
                    Self.condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now),
                    Self.condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now),
                ],
            ])
        }
    }

    func createPod(for job: JSONValue) -> JSONValue? {
        let name = job[path: ["metadata", "name"]]?.stringValue ?? "job"
        var spec = job[path: ["spec", "template", "spec"]] ?? [:]
        spec["nodeName"] = "modelship-embedded-node"
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "generateName": .string(name + "-"), "labels": job[path: ["spec", "template", "metadata", "labels"]] ?? [:],
                "ownerReferences": [SimulationObjects.controllerReference(to: job, kind: "Job", apiVersion: "batch/v1")],
            ],
            "spec": spec,
        ]
        return try? store.create(resourceKey: DeploymentSimulator.pods, namespace: job[path: ["metadata", "namespace"]]?.stringValue,
                                 body: body)
    }

    static func condition(_ type: String, _ reason: String, _ message: String, _ now: String) -> JSONValue {
        ["type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
         "lastProbeTime": .string(now), "lastTransitionTime": .string(now)]
    }
}

/// The HorizontalPodAutoscaler controller, simulated: desired replicas come from a test hook instead
/// of metrics; the target is kept within min/max; status reports what a real HPA reports.
struct HPASimulator {
    static let hpas = ResourceKey(group: "autoscaling", plural: "horizontalpodautoscalers")

    let store: ClusterStore
    let hooks: SimulationHooks

    func hpas(targeting deployment: JSONValue) -> [ObjectKey] {
        let namespace = deployment[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let name = deployment[path: ["metadata", "name"]]?.stringValue
        return ((try? store.list(resourceKey: Self.hpas, namespace: namespace).items) ?? [])
            .filter { $0[path: ["spec", "scaleTargetRef", "name"]]?.stringValue == name && $0[path: ["spec", "scaleTargetRef", "kind"]] == "Deployment" }
            .map(ObjectKey.of)
    }

    func reconcile(_ key: ObjectKey) {
        guard let hpa = try? store.get(resourceKey: Self.hpas, namespace: key.namespace, name: key.name),
            let target = hpa[path: ["spec", "scaleTargetRef", "name"]]?.stringValue
        else { return }
        let minimum = Int(hpa[path: ["spec", "minReplicas"]]?.intValue ?? 1)
        let maximum = Int(hpa[path: ["spec", "maxReplicas"]]?.intValue ?? Int64(minimum))
        guard let deployment = try? store.get(resourceKey: DeploymentSimulator.deployments, namespace: key.namespace, name: target) else {
            SimulationObjects.setStatus(store, Self.hpas, namespace: key.namespace, name: key.name, [
                "currentReplicas": 0, "desiredReplicas": 0,
                "conditions": [["type": "AbleToScale", "status": "False", "reason": "FailedGetScale",
                                "message": .string("deployments/scale \"\(target)\" not found")]],
            ])
            return
        }
        let current = Int(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)
        let wanted = hooks.withLock { $0.hpaDesired[key] } ?? current
        let desired = min(max(wanted, minimum), maximum)
        var lastScaleTime = hpa[path: ["status", "lastScaleTime"]]
        if desired != current {
            _ = try? store.modify(resourceKey: DeploymentSimulator.deployments, namespace: key.namespace, name: target) { object throws(APIError) in
                var scaled = object
                scaled[path: ["spec", "replicas"]] = .int(Int64(desired))
                return scaled
            }
            lastScaleTime = .string(KubeTime.format(Date()))
        }
        let limited = wanted != desired
        var status: JSONValue = [
            "currentReplicas": .int(Int64(deployment[path: ["status", "replicas"]]?.intValue ?? 0)),
            "desiredReplicas": .int(Int64(desired)),
            "conditions": [
                SimulationObjects.condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size",
                                            previous: hpa["status"]),
                SimulationObjects.condition("ScalingActive", "True", "ValidMetricFound",
                                            "the HPA was able to successfully calculate a replica count", previous: hpa["status"]),
                SimulationObjects.condition("ScalingLimited", limited ? "True" : "False", limited ? "TooManyReplicas" : "DesiredWithinRange",
                                            limited ? "the desired replica count is outside the allowed range" : "the desired count is within the acceptable range",
                                            previous: hpa["status"]),
            ],
        ]
        if let lastScaleTime { status["lastScaleTime"] = lastScaleTime }
        SimulationObjects.setStatus(store, Self.hpas, namespace: key.namespace, name: key.name, status)
    }
}
