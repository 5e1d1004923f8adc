import Foundation
import KubeClient
import Synchronization

/// The Deployment and ReplicaSet controllers, simulated: one ReplicaSet per pod-template hash, Pods as
/// objects that a `LocalKubelet` runs when their images are mapped, and status the way kube-controller-manager
/// writes it.
struct DeploymentSimulator {
    static let deployments = ResourceKey(group: "apps", plural: "deployments")
    static let replicaSets = ResourceKey(group: "apps", plural: "replicasets")
    static let pods = ResourceKey(group: "", plural: "pods")

    let store: ClusterStore
    let hooks: SimulationHooks
    /// Pods it runs become ready by their probes, not at once.
    let kubelet: LocalKubelet?

    /// Returns when to look again whatever changes (a live rollout's progress deadline).
    func reconcile(_ key: ObjectKey) -> Duration? {
        guard let deployment = try? store.get(resourceKey: Self.deployments, namespace: key.namespace, name: key.name),
            deployment[path: ["metadata", "deletionTimestamp"]] == nil,
            let uid = deployment[path: ["metadata", "uid"]]?.stringValue
        else { return nil }
        let failure = hooks.withLock { $0.deploymentFailures[key] }
        let replicas = Int(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)
        let paused = deployment[path: ["spec", "paused"]]?.boolValue == true
        let template = deployment[path: ["spec", "template"]] ?? [:]
        let hash = Self.templateHash(template)
        let currentName = "\(key.name)-\(hash)"
        let live = kubelet?.runs(podSpec: template["spec"] ?? [:]) == true
        let owned = SimulationObjects.owned(by: uid, in: store, Self.replicaSets, namespace: key.namespace)
        if !paused, !owned.contains(where: { $0[path: ["metadata", "name"]]?.stringValue == currentName }) {
            createReplicaSet(named: currentName, hash: hash, for: deployment, template: template, replicas: live ? 0 : replicas,
                             revision: owned.count + 1)
        }
        let replicaSets = SimulationObjects.owned(by: uid, in: store, Self.replicaSets, namespace: key.namespace)
        let desired = live ? rollingTargets(deployment, replicaSets, currentName: currentName, replicas: replicas)
            : Dictionary(uniqueKeysWithValues: replicaSets.map { ($0[path: ["metadata", "name"]]?.stringValue ?? "", $0[path: ["metadata", "name"]]?.stringValue == currentName ? replicas : 0) })
        var ready = 0
        var updated = 0
        var total = 0
        for replicaSet in replicaSets {
            let name = replicaSet[path: ["metadata", "name"]]?.stringValue ?? ""
            let counts = syncPods(of: replicaSet, desired: desired[name] ?? 0, failure: failure, live: live)
            total += counts.total
            if name == currentName {
                ready += counts.ready
                updated += counts.total
            }
        }
        var progress = ProgressCheck(stalled: false, progressed: false, recheck: nil)
        if live, failure == nil { progress = ProgressCheck(deployment, replicas: replicas, total: total, updated: updated, ready: ready) }
        let stall = progress.stalled ? (reason: "ProgressDeadlineExceeded", message: "") : nil
        writeStatus(deployment, replicas: replicas, total: total, updated: updated, ready: ready, currentName: currentName,
                    failure: failure ?? stall, progressed: progress.progressed)
        return progress.recheck
    }

    static func templateHash(_ template: JSONValue) -> String {
        let hash = FNV1a.hash(template.encoded())
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<10).map { index in alphabet[Int((hash >> (UInt64(index) * 6)) % UInt64(alphabet.count))] })
    }

    func createReplicaSet(named name: String, hash: String, for deployment: JSONValue, template: JSONValue, replicas: Int, revision: Int) {
        var podTemplate = template
        podTemplate[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
        var selector = deployment[path: ["spec", "selector"]] ?? [:]
        selector[path: ["matchLabels", "pod-template-hash"]] = .string(hash)
        let body: JSONValue = [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name), "labels": podTemplate[path: ["metadata", "labels"]] ?? [:],
                "annotations": ["deployment.kubernetes.io/revision": .string(String(revision))],
                "ownerReferences": [SimulationObjects.controllerReference(to: deployment, kind: "Deployment", apiVersion: "apps/v1")],
            ],
            "spec": ["replicas": .int(Int64(replicas)), "selector": selector, "template": podTemplate],
        ]
        _ = try? store.create(resourceKey: Self.replicaSets, namespace: deployment[path: ["metadata", "namespace"]]?.stringValue,
                              body: body)
    }

    /// Makes the ReplicaSet's pods match `desired` and sets their status; returns (total, ready).
    func syncPods(of replicaSet: JSONValue, desired: Int, failure: (reason: String, message: String)?, live: Bool) -> (total: Int, ready: Int) {
        let namespace = replicaSet[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let name = replicaSet[path: ["metadata", "name"]]?.stringValue ?? ""
        guard let uid = replicaSet[path: ["metadata", "uid"]]?.stringValue else { return (0, 0) }
        if replicaSet[path: ["spec", "replicas"]]?.intValue != Int64(desired) {
            _ = try? store.modify(resourceKey: Self.replicaSets, namespace: namespace, name: name) { current throws(APIError) in
                var updated = current
                updated[path: ["spec", "replicas"]] = .int(Int64(desired))
                return updated
            }
        }
        // Terminating pods no longer count; scale-down takes pods that are not ready first.
        var pods = SimulationObjects.owned(by: uid, in: store, Self.pods, namespace: namespace)
            .filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
            .sorted { Self.isReady($0) && !Self.isReady($1) }
        while pods.count > desired, let pod = pods.popLast() {
            _ = try? store.delete(resourceKey: Self.pods, namespace: namespace, name: pod[path: ["metadata", "name"]]?.stringValue ?? "")
        }
        while pods.count < desired {
            guard let pod = createPod(for: replicaSet) else { break }
            pods.append(pod)
        }
        var ready = 0
        for pod in pods where live {
            if Self.isReady(pod) { ready += 1 }
        }
        for pod in pods where !live {
            let podName = pod[path: ["metadata", "name"]]?.stringValue ?? ""
            let status = failure.map { PodStatusFactory.waiting(pod, reason: $0.reason, message: $0.message) } ?? PodStatusFactory.running(pod)
            if failure == nil { ready += 1 }
            SimulationObjects.setStatus(store, Self.pods, namespace: namespace, name: podName, status)
        }
        let rsStatus: JSONValue = [
            "replicas": .int(Int64(pods.count)), "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(ready)),
            "fullyLabeledReplicas": .int(Int64(pods.count)),
            "observedGeneration": replicaSet[path: ["metadata", "generation"]] ?? 1,
        ]
        SimulationObjects.setStatus(store, Self.replicaSets, namespace: namespace, name: name, rsStatus)
        return (pods.count, ready)
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        pod[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Ready" && $0["status"] == "True" } == true
    }

    /// The replica count of each ReplicaSet in the next step of the Deployment's strategy (pods that a kubelet
    /// runs take time to become ready, so a rollout proceeds as kube-controller-manager's does).
    func rollingTargets(_ deployment: JSONValue, _ replicaSets: [JSONValue], currentName: String, replicas: Int) -> [String: Int] {
        func name(_ replicaSet: JSONValue) -> String { replicaSet[path: ["metadata", "name"]]?.stringValue ?? "" }
        func counts(_ replicaSet: JSONValue) -> RollingUpdate.ReplicaSetCounts {
            let namespace = replicaSet[path: ["metadata", "namespace"]]?.stringValue ?? ""
            let pods = SimulationObjects.owned(by: replicaSet[path: ["metadata", "uid"]]?.stringValue ?? "", in: store, Self.pods, namespace: namespace)
                .filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
            return .init(replicas: Int(replicaSet[path: ["spec", "replicas"]]?.intValue ?? 0), available: pods.filter(Self.isReady).count)
        }
        let old = replicaSets.filter { name($0) != currentName }.sorted {
            Int($0[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]]?.stringValue ?? "") ?? 0
                < Int($1[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]]?.stringValue ?? "") ?? 0
        }
        guard let current = replicaSets.first(where: { name($0) == currentName }) else {
            return Dictionary(uniqueKeysWithValues: old.map { (name($0), Int($0[path: ["spec", "replicas"]]?.intValue ?? 0)) })
        }
        var targets: [String: Int] = [:]
        if deployment[path: ["spec", "strategy", "type"]]?.stringValue == "Recreate" {
            let oldPods = old.reduce(0) { total, replicaSet in
                total + SimulationObjects.owned(by: replicaSet[path: ["metadata", "uid"]]?.stringValue ?? "", in: store, Self.pods,
                                                namespace: replicaSet[path: ["metadata", "namespace"]]?.stringValue ?? "").count
            }
            for replicaSet in old { targets[name(replicaSet)] = 0 }
            targets[currentName] = oldPods == 0 ? replicas : 0
            return targets
        }
        let rolling = deployment[path: ["spec", "strategy", "rollingUpdate"]]
        func text(_ value: JSONValue?) -> String? { value?.stringValue ?? value?.intValue.map { String($0) } }
        let step = RollingUpdate(replicas: replicas, maxSurge: text(rolling?["maxSurge"]), maxUnavailable: text(rolling?["maxUnavailable"]))
            .step(new: counts(current), old: old.map(counts))
        targets[currentName] = step.new
        for (replicaSet, value) in zip(old, step.old) { targets[name(replicaSet)] = value }
        return targets
    }

    func createPod(for replicaSet: JSONValue) -> JSONValue? {
        let template = replicaSet[path: ["spec", "template"]] ?? [:]
        let name = replicaSet[path: ["metadata", "name"]]?.stringValue ?? "pod"
        var spec = template["spec"] ?? [:]
        spec["nodeName"] = "modelship-embedded-node"
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "generateName": .string(name + "-"), "labels": template[path: ["metadata", "labels"]] ?? [:],
                "annotations": template[path: ["metadata", "annotations"]] ?? [:],
                "ownerReferences": [SimulationObjects.controllerReference(to: replicaSet, kind: "ReplicaSet", apiVersion: "apps/v1")],
            ],
            "spec": spec,
        ]
        return try? store.create(resourceKey: Self.pods, namespace: replicaSet[path: ["metadata", "namespace"]]?.stringValue, body: body)
    }

    func writeStatus(_ deployment: JSONValue, replicas: Int, total: Int, updated: Int, ready: Int, currentName: String,
                     failure: (reason: String, message: String)?, progressed: Bool = false) {
        let previous = deployment["status"]
        let available = ready >= replicas
        let progressing: (status: String, reason: String, message: String)
        if failure != nil {
            progressing = ("False", "ProgressDeadlineExceeded", "ReplicaSet \"\(currentName)\" has timed out progressing.")
        } else if updated == replicas && ready == replicas && total == replicas {
            progressing = ("True", "NewReplicaSetAvailable", "ReplicaSet \"\(currentName)\" has successfully progressed.")
        } else {
            progressing = ("True", "ReplicaSetUpdated", "ReplicaSet \"\(currentName)\" is progressing.")
        }
        var status: JSONValue = [
            "observedGeneration": deployment[path: ["metadata", "generation"]] ?? 1,
            "replicas": .int(Int64(total)), "updatedReplicas": .int(Int64(updated)),
            "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(ready)),
            "conditions": [
                SimulationObjects.condition("Available", available ? "True" : "False",
                                            available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                            available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                                            previous: previous),
                SimulationObjects.condition("Progressing", progressing.status, progressing.reason, progressing.message, previous: previous,
                                            touched: progressed),
            ],
        ]
        if total > ready { status["unavailableReplicas"] = .int(Int64(total - ready)) }
        for field in ["readyReplicas", "availableReplicas", "updatedReplicas", "replicas"] where status[field] == 0 {
            status[field] = nil
        }
        let namespace = deployment[path: ["metadata", "namespace"]]?.stringValue ?? ""
        SimulationObjects.setStatus(store, Self.deployments, namespace: namespace,
                                    name: deployment[path: ["metadata", "name"]]?.stringValue ?? "", status)
    }
}

/// Pod status as the kubelet would report it.
enum PodStatusFactory {
    static func running(_ pod: JSONValue) -> JSONValue {
        let now = KubeTime.format(Date())
        let previous = pod["status"]
        if previous?["phase"] == "Running" { return previous ?? [:] }
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { container -> JSONValue in
            ["name": container["name"] ?? "", "image": container["image"] ?? "", "ready": true, "started": true, "restartCount": 0,
             "state": ["running": ["startedAt": .string(now)]]]
        }
        return [
            "phase": "Running", "podIP": .string("10.244.\(Int.random(in: 0..<255)).\(Int.random(in: 1..<255))"),
            "hostIP": "10.0.0.10", "startTime": .string(now),
            "conditions": [
                ["type": "Initialized", "status": "True", "lastTransitionTime": .string(now)],
                ["type": "Ready", "status": "True", "lastTransitionTime": .string(now)],
                ["type": "ContainersReady", "status": "True", "lastTransitionTime": .string(now)],
                ["type": "PodScheduled", "status": "True", "lastTransitionTime": .string(now)],
            ],
            "containerStatuses": .array(containers),
        ]
    }

    static func waiting(_ pod: JSONValue, reason: String, message: String) -> JSONValue {
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { container -> JSONValue in
            ["name": container["name"] ?? "", "image": container["image"] ?? "", "ready": false, "restartCount": 0,
             "state": ["waiting": ["reason": .string(reason), "message": .string(message)]]]
        }
        return [
            "phase": "Pending", "startTime": pod[path: ["status", "startTime"]] ?? .string(KubeTime.format(Date())),
            "conditions": [["type": "Ready", "status": "False", "reason": "ContainersNotReady"]],
            "containerStatuses": .array(containers),
        ]
    }

    static func terminated(_ pod: JSONValue, succeeded: Bool, message: String?) -> JSONValue {
        let now = KubeTime.format(Date())
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { container -> JSONValue in
            var terminated: JSONValue = ["exitCode": succeeded ? 0 : 1, "reason": succeeded ? "Completed" : "Error", "finishedAt": .string(now)]
            if let message { terminated["message"] = .string(message) }
            return ["name": container["name"] ?? "", "ready": false, "restartCount": 0, "state": ["terminated": terminated]]
        }
        return ["phase": succeeded ? "Succeeded" : "Failed", "containerStatuses": .array(containers),
                "startTime": pod[path: ["status", "startTime"]] ?? .string(now)]
    }
}

/// Small helpers the simulators share.
enum SimulationObjects {
    /// The controller of kind `kind` above a pod: its Job, or its ReplicaSet's Deployment.
    static func owners(of pod: JSONValue, kind: String, in store: ClusterStore) -> [ObjectKey] {
        let namespace = pod[path: ["metadata", "namespace"]]?.stringValue ?? ""
        guard let owner = pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first(where: { $0["controller"]?.boolValue == true }),
            let ownerName = owner["name"]?.stringValue
        else { return [] }
        if owner["kind"]?.stringValue == kind { return [ObjectKey(namespace: namespace, name: ownerName)] }
        guard kind == "Deployment", owner["kind"] == "ReplicaSet",
            let replicaSet = try? store.get(resourceKey: DeploymentSimulator.replicaSets, namespace: namespace, name: ownerName)
        else { return [] }
        return owners(of: replicaSet, kind: kind, in: store)
    }

    static func owned(by uid: String, in store: ClusterStore, _ resource: ResourceKey, namespace: String) -> [JSONValue] {
        store.dependents(of: uid, in: resource).filter { $0[path: ["metadata", "namespace"]]?.stringValue == namespace }
    }

    static func controllerReference(to owner: JSONValue, kind: String, apiVersion: String) -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": owner[path: ["metadata", "name"]] ?? "",
         "uid": owner[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true]
    }

    /// Writes status through the status subresource; an unchanged status is a no-op in the store.
    static func setStatus(_ store: ClusterStore, _ resource: ResourceKey, namespace: String, name: String, _ status: JSONValue) {
        _ = try? store.modify(resourceKey: resource, namespace: namespace, name: name, subresource: .status) { current throws(APIError) in
            var updated = current
            updated["status"] = status
            // A pod's QoS class is set at creation and kept.
            if let qos = current[path: ["status", "qosClass"]], status["qosClass"] == nil { updated[path: ["status", "qosClass"]] = qos }
            return updated
        }
    }

    /// A workload condition that keeps its timestamps while its status does not change.
    /// `touched`: something progressed, so `lastUpdateTime` moves even though status and reason stay.
    static func condition(_ type: String, _ status: String, _ reason: String, _ message: String, previous: JSONValue?,
                          touched: Bool = false) -> JSONValue {
        let old = previous?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
        let now = JSONValue.string(KubeTime.format(Date()))
        let unchanged = old?["status"]?.stringValue == status && old?["reason"]?.stringValue == reason && !touched
        return ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                "lastUpdateTime": unchanged ? (old?["lastUpdateTime"] ?? now) : now,
                "lastTransitionTime": old?["status"]?.stringValue == status ? (old?["lastTransitionTime"] ?? now) : now]
    }
}
