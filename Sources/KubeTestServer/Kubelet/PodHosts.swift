import Foundation
import KubeClient

/// A pod's /etc/hosts: kubelet's managed entries (localhost, the pod's own name) and, standing in for cluster
/// DNS, every Service with a ClusterIP as `<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>.svc`, `<svc>.<ns>` and,
/// in the pod's own namespace, `<svc>` (what a pod resolves through its resolv.conf search path).
enum PodHosts {
    static let clusterDomain = "cluster.local"

    static func render(podName: String, namespace: String, podIP: String, services: [JSONValue]) -> String {
        var lines = ["# Kubernetes-managed hosts file (modelship local kubelet).", "127.0.0.1\tlocalhost",
                     "::1\tlocalhost ip6-localhost ip6-loopback", "\(podIP)\t\(podName)"]
        let sorted = services.sorted { ObjectKey.of($0) < ObjectKey.of($1) }
        for service in sorted {
            guard let ip = service[path: ["spec", "clusterIP"]]?.stringValue, !ip.isEmpty, ip != "None" else { continue }
            let key = ObjectKey.of(service)
            var names = ["\(key.name).\(key.namespace).svc.\(clusterDomain)", "\(key.name).\(key.namespace).svc", "\(key.name).\(key.namespace)"]
            if key.namespace == namespace { names.append(key.name) }
            lines.append("\(ip)\t\(names.joined(separator: " "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rewrites the file in place: it is bind-mounted, so it must keep its inode.
    static func write(_ text: String, to path: String) {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data { return }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            _ = FileManager.default.createFile(atPath: path, contents: data)
            return
        }
        defer { try? handle.close() }
        try? handle.truncate(atOffset: 0)
        try? handle.write(contentsOf: data)
    }
}
