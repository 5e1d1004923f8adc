/// The built-in kinds the embedded server serves, with the names, subresources and columns of a real cluster.
enum BuiltinResources {
    static func all() -> [ServedResource] {
        var list: [ServedResource] = []
        func add(_ group: String, _ version: String, _ kind: String, _ plural: String, namespaced: Bool = true,
                 short: [String] = [], categories: [String] = [], status: Bool = false, generation: Bool = false,
                 scale: ServedResource.ScaleSubresource? = nil, columns: [PrinterColumn] = []) {
            var resource = ServedResource(group: group, version: version, kind: kind, plural: plural, namespaced: namespaced)
            resource.shortNames = short
            resource.categories = categories
            resource.hasStatus = status
            resource.tracksGeneration = generation
            resource.scale = scale
            resource.printerColumns = columns
            resource.tableOmitsName = kind == "Event"
            list.append(resource)
        }
        let age = PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")
        let replicasScale = ServedResource.ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                                           labelSelectorPath: nil)
        add("", "v1", "Namespace", "namespaces", namespaced: false, short: ["ns"], status: true,
            columns: [.init(name: "Status", type: "string", jsonPath: ".status.phase"), age])
        add("", "v1", "ConfigMap", "configmaps", short: ["cm"], columns: [age])
        add("", "v1", "Secret", "secrets", columns: [.init(name: "Type", type: "string", jsonPath: ".type"), age])
        add("", "v1", "ServiceAccount", "serviceaccounts", short: ["sa"], columns: [age])
        add("", "v1", "Service", "services", short: ["svc"], categories: ["all"], status: true,
            columns: [.init(name: "Type", type: "string", jsonPath: ".spec.type"),
                      .init(name: "Cluster-IP", type: "string", jsonPath: ".spec.clusterIP"), age])
        // kubectl's pod columns; the paths starting with '#' are computed (PodColumns), as kube-apiserver's printer does.
        add("", "v1", "Pod", "pods", short: ["po"], categories: ["all"], status: true,
            columns: [.init(name: "Ready", type: "string", jsonPath: PodColumns.ready),
                      .init(name: "Status", type: "string", jsonPath: PodColumns.status),
                      .init(name: "Restarts", type: "string", jsonPath: PodColumns.restarts), age,
                      .init(name: "IP", type: "string", jsonPath: ".status.podIP", priority: 1),
                      .init(name: "Node", type: "string", jsonPath: ".spec.nodeName", priority: 1)])
        add("", "v1", "Endpoints", "endpoints", short: ["ep"],
            columns: [.init(name: "Endpoints", type: "string", jsonPath: ".subsets[*].addresses[*].ip"), age])
        add("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices",
            columns: [.init(name: "AddressType", type: "string", jsonPath: ".addressType"),
                      .init(name: "Endpoints", type: "string", jsonPath: ".endpoints[*].addresses[*]"), age])
        add("", "v1", "Event", "events", short: ["ev"],
            columns: [.init(name: "Last Seen", type: "date", jsonPath: ".lastTimestamp"),
                      .init(name: "Type", type: "string", jsonPath: ".type"), .init(name: "Reason", type: "string", jsonPath: ".reason"),
                      .init(name: "Object", type: "string", jsonPath: ".involvedObject.name"),
                      .init(name: "Message", type: "string", jsonPath: ".message")])
        add("events.k8s.io", "v1", "Event", "events", short: ["ev"],
            columns: [.init(name: "Last Seen", type: "date", jsonPath: ".eventTime"),
                      .init(name: "Type", type: "string", jsonPath: ".type"), .init(name: "Reason", type: "string", jsonPath: ".reason"),
                      .init(name: "Object", type: "string", jsonPath: ".regarding.name"),
                      .init(name: "Note", type: "string", jsonPath: ".note")])
        add("apps", "v1", "Deployment", "deployments", short: ["deploy"], categories: ["all"], status: true, generation: true,
            scale: replicasScale,
            columns: [.init(name: "Ready", type: "integer", jsonPath: ".status.readyReplicas"),
                      .init(name: "Up-to-date", type: "integer", jsonPath: ".status.updatedReplicas"),
                      .init(name: "Available", type: "integer", jsonPath: ".status.availableReplicas"), age])
        add("apps", "v1", "ReplicaSet", "replicasets", short: ["rs"], categories: ["all"], status: true, generation: true,
            scale: replicasScale,
            columns: [.init(name: "Desired", type: "integer", jsonPath: ".spec.replicas"),
                      .init(name: "Ready", type: "integer", jsonPath: ".status.readyReplicas"), age])
        add("batch", "v1", "Job", "jobs", categories: ["all"], status: true, generation: true,
            columns: [.init(name: "Completions", type: "integer", jsonPath: ".status.succeeded"), age])
        add("batch", "v1", "CronJob", "cronjobs", short: ["cj"], categories: ["all"], status: true, generation: true,
            columns: [.init(name: "Schedule", type: "string", jsonPath: ".spec.schedule"),
                      .init(name: "Last Schedule", type: "date", jsonPath: ".status.lastScheduleTime"), age])
        add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", short: ["hpa"], categories: ["all"],
            status: true, generation: true,
            columns: [.init(name: "MinPods", type: "integer", jsonPath: ".spec.minReplicas"),
                      .init(name: "MaxPods", type: "integer", jsonPath: ".spec.maxReplicas"),
                      .init(name: "Replicas", type: "integer", jsonPath: ".status.currentReplicas"), age])
        add("coordination.k8s.io", "v1", "Lease", "leases",
            columns: [.init(name: "Holder", type: "string", jsonPath: ".spec.holderIdentity"), age])
        add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", short: ["netpol"], generation: true, columns: [age])
        add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", short: ["pdb"], status: true, generation: true,
            columns: [.init(name: "Min Available", type: "string", jsonPath: ".spec.minAvailable"),
                      .init(name: "Max Unavailable", type: "string", jsonPath: ".spec.maxUnavailable"), age])
        add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false,
            short: ["crd", "crds"], status: true, generation: true,
            columns: [.init(name: "Created At", type: "date", jsonPath: ".metadata.creationTimestamp")])
        return list
    }
}
