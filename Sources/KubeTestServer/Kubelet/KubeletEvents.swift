import Foundation
import KubeClient

/// Events about a pod, as kubelet records them: one Event per pod, reason and message, whose count grows
/// when it happens again (the event correlator's aggregation).
struct KubeletEvents: Sendable {
    static let events = ResourceKey(group: "", plural: "events")
    let store: ClusterStore
    let node: String

    func record(_ pod: JSONValue, type: String = "Normal", reason: String, message: String, fieldPath: String? = nil) {
        let namespace = PodSpecReader.namespace(pod)
        let podName = PodSpecReader.name(pod)
        let hash = FNV1a.hash(Array("\(PodSpecReader.uid(pod))/\(reason)/\(message)".utf8))
        let name = "\(podName).\(String(hash, radix: 16))"
        let now = KubeTime.format(Date())
        let updated = try? store.modify(resourceKey: Self.events, namespace: namespace, name: name) { current throws(APIError) in
            var event = current
            event["count"] = .int((current["count"]?.intValue ?? 1) + 1)
            event["lastTimestamp"] = .string(now)
            return event
        }
        guard updated == nil else { return }
        var involved: JSONValue = ["apiVersion": "v1", "kind": "Pod", "name": .string(podName), "namespace": .string(namespace),
                                   "uid": pod[path: ["metadata", "uid"]] ?? "", "resourceVersion": pod[path: ["metadata", "resourceVersion"]] ?? ""]
        if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "Event", "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": involved, "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": ["component": "kubelet", "host": .string(node)], "reportingComponent": "kubelet",
            "reportingInstance": .string(node), "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
        ]
        _ = try? store.create(resourceKey: Self.events, namespace: namespace, body: event)
    }
}
