import KubeClient

/// The fields each kind can be selected by (kube-apiserver's field label conversion functions): every kind
/// accepts metadata.name and metadata.namespace, a few kinds more; anything else is a 400.
enum FieldLabels {
    static let common: Set<String> = ["metadata.name", "metadata.namespace"]

    static let byKind: [String: Set<String>] = [
        "/Pod": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                 "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        "/Event": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                   "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                   "reportingComponent", "source", "type"],
        "events.k8s.io/Event": ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion",
                                "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"],
        "/Secret": ["type"],
        "/Namespace": ["status.phase"],
        "/Node": ["spec.unschedulable"],
        "/Service": ["spec.clusterIP", "spec.type"],
        "/ReplicationController": ["status.replicas"],
        "apps/ReplicaSet": ["status.replicas"],
        "batch/Job": ["status.successful"],
        "certificates.k8s.io/CertificateSigningRequest": ["spec.signerName"],
    ]

    /// Throws kube-apiserver's 400 for a field the kind cannot be selected by.
    static func check(_ selector: FieldSelector?, for resource: ServedResource) throws(APIError) {
        let supported = common.union(byKind["\(resource.group)/\(resource.kind)"] ?? [])
        for term in selector?.terms ?? [] where !supported.contains(term.field) {
            throw APIError.badRequest("field label not supported: \(term.field)")
        }
    }
}
