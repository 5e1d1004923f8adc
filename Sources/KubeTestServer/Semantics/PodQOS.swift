import KubeClient

/// What kube-apiserver sets on a pod when it is created, before any kubelet sees it: phase Pending and the
/// QoS class (Guaranteed: every container limits CPU and memory with requests equal to limits; BestEffort:
/// nothing requested or limited anywhere; else Burstable).
enum PodQOS {
    static func initialStatus(_ pod: inout JSONValue) {
        pod["status"] = ["phase": "Pending", "qosClass": .string(qosClass(pod))]
    }

    static func qosClass(_ pod: JSONValue) -> String {
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []) + (pod[path: ["spec", "initContainers"]]?.arrayValue ?? [])
        var anything = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let limits = container[path: ["resources", "limits"]]?.objectValue ?? [:]
            let requests = container[path: ["resources", "requests"]]?.objectValue ?? [:]
            let relevant = Set(["cpu", "memory"])
            if !limits.keys.filter(relevant.contains).isEmpty || !requests.keys.filter(relevant.contains).isEmpty { anything = true }
            for resource in relevant {
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !anything { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
