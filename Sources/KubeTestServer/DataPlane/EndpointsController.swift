import Foundation
import KubeClient

/// kube-controller-manager's EndpointSlice and Endpoints controllers: for every Service with a selector, the
/// matching pods that have an address, with their ready / serving / terminating conditions and the Service's
/// target ports resolved against each pod's container ports (pods that resolve a named port differently go
/// in different slices, as upstream).
struct EndpointsController: Sendable {
    static let services = ResourceKey(group: "", plural: "services")
    static let endpoints = ResourceKey(group: "", plural: "endpoints")
    static let slices = ResourceKey(group: "discovery.k8s.io", plural: "endpointslices")
    static let managedBy = "endpointslice-controller.k8s.io"
    static let ownership = ClusterStore.controllerManager

    let store: ClusterStore

    /// The Services a pod change may affect: every Service of its namespace.
    func services(affectedBy pod: JSONValue) -> [ObjectKey] {
        let namespace = pod[path: ["metadata", "namespace"]]?.stringValue
        return ((try? store.list(resourceKey: Self.services, namespace: namespace).items) ?? []).map(ObjectKey.of)
    }

    func reconcile(_ key: ObjectKey) -> Duration? {
        guard let service = try? store.get(resourceKey: Self.services, namespace: key.namespace, name: key.name),
            service[path: ["metadata", "deletionTimestamp"]] == nil
        else {
            _ = try? store.delete(resourceKey: Self.endpoints, namespace: key.namespace, name: key.name)
            return nil
        }
        guard let selector = service[path: ["spec", "selector"]]?.objectValue?.compactMapValues(\.stringValue), !selector.isEmpty else {
            return nil
        }
        let pods = ((try? store.list(resourceKey: KubeletContext.pods, namespace: key.namespace).items) ?? []).filter { pod in
            let labels = pod[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            return selector.allSatisfy { labels[$0.key] == $0.value } && pod[path: ["status", "podIP"]]?.stringValue != nil
                && !["Succeeded", "Failed"].contains(pod[path: ["status", "phase"]]?.stringValue ?? "")
        }
        let servicePorts = service[path: ["spec", "ports"]]?.arrayValue ?? []
        var groups: [[JSONValue]: [JSONValue]] = [:]
        for pod in pods {
            groups[Self.ports(servicePorts, for: pod), default: []].append(Self.endpoint(pod))
        }
        writeSlices(service, key: key, groups: groups)
        writeEndpoints(service, key: key, pods: pods, servicePorts: servicePorts)
        return nil
    }

    /// The slice's ports: each Service port with its target port resolved for this pod.
    static func ports(_ servicePorts: [JSONValue], for pod: JSONValue) -> [JSONValue] {
        servicePorts.map { port -> JSONValue in
            var resolved: JSONValue = ["name": port["name"] ?? "", "protocol": port["protocol"] ?? "TCP"]
            let target = port["targetPort"] ?? port["port"] ?? 0
            if let number = target.intValue {
                resolved["port"] = .int(number)
            } else if let name = target.stringValue {
                let containerPorts = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).flatMap { $0["ports"]?.arrayValue ?? [] }
                resolved["port"] = containerPorts.first { $0["name"]?.stringValue == name }?["containerPort"] ?? .int(Int64(name) ?? 0)
            }
            return resolved
        }
    }

    static func endpoint(_ pod: JSONValue) -> JSONValue {
        let podReady = DeploymentSimulator.isReady(pod)
        let terminating = pod[path: ["metadata", "deletionTimestamp"]] != nil
        var endpoint: JSONValue = [
            "addresses": [pod[path: ["status", "podIP"]] ?? ""],
            "conditions": ["ready": .bool(podReady && !terminating), "serving": .bool(podReady), "terminating": .bool(terminating)],
            "targetRef": ["kind": "Pod", "namespace": pod[path: ["metadata", "namespace"]] ?? "", "name": pod[path: ["metadata", "name"]] ?? "",
                          "uid": pod[path: ["metadata", "uid"]] ?? ""],
        ]
        if let node = pod[path: ["spec", "nodeName"]] { endpoint["nodeName"] = node }
        return endpoint
    }

    private func writeSlices(_ service: JSONValue, key: ObjectKey, groups: [[JSONValue]: [JSONValue]]) {
        var wanted: Set<String> = []
        let groups = groups.isEmpty ? [Self.ports(service[path: ["spec", "ports"]]?.arrayValue ?? [], for: [:]): []] : groups
        for (ports, endpoints) in groups {
            let name = "\(key.name)-\(String(FNV1a.hash(JSONValue.array(ports).encoded()) % 0xFFFFF, radix: 36))"
            wanted.insert(name)
            var labels = service[path: ["metadata", "labels"]]?.objectValue ?? [:]
            labels["kubernetes.io/service-name"] = .string(key.name)
            labels["endpointslice.kubernetes.io/managed-by"] = .string(Self.managedBy)
            let sorted = endpoints.sorted { ($0[path: ["targetRef", "name"]]?.stringValue ?? "") < ($1[path: ["targetRef", "name"]]?.stringValue ?? "") }
            let body: JSONValue = [
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": ["name": .string(name), "namespace": .string(key.namespace), "labels": .object(labels),
                             "ownerReferences": [SimulationObjects.controllerReference(to: service, kind: "Service", apiVersion: "v1")]],
                "addressType": "IPv4", "endpoints": .array(sorted), "ports": .array(ports),
            ]
            upsert(Self.slices, key.namespace, name, body) { current in
                var updated = current
                updated["endpoints"] = body["endpoints"]
                updated["ports"] = body["ports"]
                updated[path: ["metadata", "labels"]] = body[path: ["metadata", "labels"]]
                return updated
            }
        }
        let existing = (try? store.list(resourceKey: Self.slices, namespace: key.namespace,
                                        labelSelector: try? LabelSelector(parsing: "kubernetes.io/service-name=\(key.name)")).items) ?? []
        for slice in existing where !wanted.contains(slice[path: ["metadata", "name"]]?.stringValue ?? "") {
            _ = try? store.delete(resourceKey: Self.slices, namespace: key.namespace, name: slice[path: ["metadata", "name"]]?.stringValue ?? "")
        }
    }

    /// The legacy Endpoints object: ready and not-ready addresses; terminating pods are left out.
    private func writeEndpoints(_ service: JSONValue, key: ObjectKey, pods: [JSONValue], servicePorts: [JSONValue]) {
        var subsets: [JSONValue] = []
        var byPorts: [[JSONValue]: (ready: [JSONValue], notReady: [JSONValue])] = [:]
        for pod in pods where pod[path: ["metadata", "deletionTimestamp"]] == nil {
            let ports = Self.ports(servicePorts, for: pod).map { port -> JSONValue in
                var copy = port
                if copy["name"] == "" { copy["name"] = nil }
                return copy
            }
            let address: JSONValue = ["ip": pod[path: ["status", "podIP"]] ?? "", "nodeName": pod[path: ["spec", "nodeName"]] ?? "",
                                      "targetRef": Self.endpoint(pod)["targetRef"] ?? [:]]
            if DeploymentSimulator.isReady(pod) { byPorts[ports, default: ([], [])].ready.append(address) } else {
                byPorts[ports, default: ([], [])].notReady.append(address)
            }
        }
        for (ports, addresses) in byPorts.sorted(by: { JSONValue.array($0.key).jsonString < JSONValue.array($1.key).jsonString }) {
            var subset: JSONValue = ["ports": .array(ports)]
            if !addresses.ready.isEmpty { subset["addresses"] = .array(addresses.ready) }
            if !addresses.notReady.isEmpty { subset["notReadyAddresses"] = .array(addresses.notReady) }
            subsets.append(subset)
        }
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": ["name": .string(key.name), "namespace": .string(key.namespace),
                         "labels": service[path: ["metadata", "labels"]] ?? [:]],
            "subsets": subsets.isEmpty ? .null : .array(subsets),
        ]
        upsert(Self.endpoints, key.namespace, key.name, body) { current in
            var updated = current
            updated["subsets"] = body["subsets"]
            return updated
        }
    }

    private func upsert(_ resource: ResourceKey, _ namespace: String, _ name: String, _ body: JSONValue,
                        change: @escaping (JSONValue) -> JSONValue) {
        do throws(APIError) {
            _ = try store.modify(resourceKey: resource, namespace: namespace, name: name, ownership: Self.ownership) { current throws(APIError) in
                change(current)
            }
        } catch {
            if error.code == 404 { _ = try? store.create(resourceKey: resource, namespace: namespace, body: body) }
        }
    }
}
