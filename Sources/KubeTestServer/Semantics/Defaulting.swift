import Foundation
import KubeClient

/// The defaults a real API server fills in, for the kinds Modelship creates: a controller that
/// compares naively sees the same perpetual diffs here that it would see on a cluster.
enum Defaulting {
    static func apply(to object: inout JSONValue, resource: ServedResource, previous: JSONValue?, state: inout ClusterStore.State)
        throws(APIError)
    {
        switch (resource.group, resource.plural) {
        case ("", "namespaces"): namespace(&object)
        case ("", "services"): service(&object, previous: previous, state: &state)
        case ("", "secrets"): secret(&object)
        case ("", "pods"):
            podSpec(&object, at: ["spec"])
            if previous == nil { PodQOS.initialStatus(&object) }
        case ("apps", "deployments"): deployment(&object)
        case ("apps", "replicasets"): podSpec(&object, at: ["spec", "template", "spec"])
        case ("batch", "jobs"): job(&object, at: ["spec"], uid: object[path: ["metadata", "uid"]]?.stringValue)
        case ("batch", "cronjobs"): cronJob(&object)
        case ("autoscaling", "horizontalpodautoscalers"): hpa(&object)
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            setDefault(&object, ["spec", "conversion", "strategy"], "None")
            if object["status"] == nil || object[path: ["status", "conditions"]] == nil {
                object["status"] = CRDRegistry.establishedStatus(for: object, now: KubeTime.format(Date()))
            }
        default: break
        }
        if let schema = resource.schema {
            try SchemaValidator(resource: resource).defaultAndPrune(&object, schema: schema)
        } else if let schema = BuiltinSchemas.structural(for: resource) {
            // Built-in kinds decode into Go structs: a value of the wrong type fails, fields they lack are dropped.
            let check = resource.applySchema.checkDecoding(object)
            if let mismatch = check.mismatch {
                throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): \(mismatch)")
            }
            if check.prunable { SchemaValidator(resource: resource).prune(&object, schema: schema, isRoot: true) }
            if let failure = resource.applySchema.canonicalizeQuantities(&object) {
                throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): \(failure)")
            }
        }
    }

    static func setDefault(_ object: inout JSONValue, _ path: [String], _ value: JSONValue) {
        if object[path: path] == nil { object[path: path] = value }
    }

    static func namespace(_ object: inout JSONValue) {
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        setDefault(&object, ["metadata", "labels", "kubernetes.io/metadata.name"], .string(name))
        setDefault(&object, ["spec", "finalizers"], ["kubernetes"])
        if object[path: ["metadata", "deletionTimestamp"]] == nil { object[path: ["status", "phase"]] = "Active" }
    }

    static func service(_ object: inout JSONValue, previous: JSONValue?, state: inout ClusterStore.State) {
        setDefault(&object, ["spec", "type"], "ClusterIP")
        setDefault(&object, ["spec", "sessionAffinity"], "None")
        let type = object[path: ["spec", "type"]]?.stringValue
        if type != "ExternalName" {
            if object[path: ["spec", "clusterIP"]]?.stringValue?.isEmpty ?? true {
                if let kept = previous?[path: ["spec", "clusterIP"]] {
                    object[path: ["spec", "clusterIP"]] = kept
                } else {
                    state.nextClusterIP += 1
                    let n = state.nextClusterIP
                    object[path: ["spec", "clusterIP"]] = .string("\(state.serviceNetworkPrefix).\(n / 256 % 256).\(n % 256)")
                }
            }
            if object[path: ["spec", "clusterIPs"]] == nil, let ip = object[path: ["spec", "clusterIP"]] {
                object[path: ["spec", "clusterIPs"]] = [ip]
            }
            setDefault(&object, ["spec", "ipFamilies"], ["IPv4"])
            setDefault(&object, ["spec", "ipFamilyPolicy"], "SingleStack")
            setDefault(&object, ["spec", "internalTrafficPolicy"], "Cluster")
        }
        if var ports = object[path: ["spec", "ports"]]?.arrayValue {
            for index in ports.indices {
                setDefault(&ports[index], ["protocol"], "TCP")
                if ports[index]["targetPort"] == nil { ports[index]["targetPort"] = ports[index]["port"] }
            }
            object[path: ["spec", "ports"]] = .array(ports)
        }
        setDefault(&object, ["status", "loadBalancer"], [:])
    }

    static func secret(_ object: inout JSONValue) {
        setDefault(&object, ["type"], "Opaque")
        guard let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }

    static func deployment(_ object: inout JSONValue) {
        setDefault(&object, ["spec", "replicas"], 1)
        setDefault(&object, ["spec", "strategy", "type"], "RollingUpdate")
        if object[path: ["spec", "strategy", "type"]]?.stringValue == "RollingUpdate" {
            setDefault(&object, ["spec", "strategy", "rollingUpdate", "maxSurge"], "25%")
            setDefault(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], "25%")
        }
        setDefault(&object, ["spec", "revisionHistoryLimit"], 10)
        setDefault(&object, ["spec", "progressDeadlineSeconds"], 600)
        podSpec(&object, at: ["spec", "template", "spec"])
    }

    static func job(_ object: inout JSONValue, at path: [String], uid: String?) {
        setDefault(&object, path + ["backoffLimit"], 6)
        setDefault(&object, path + ["completions"], 1)
        setDefault(&object, path + ["parallelism"], 1)
        setDefault(&object, path + ["completionMode"], "NonIndexed")
        setDefault(&object, path + ["suspend"], false)
        if let uid, object[path: path + ["selector"]] == nil {
            object[path: path + ["selector", "matchLabels", "batch.kubernetes.io/controller-uid"]] = .string(uid)
            object[path: path + ["template", "metadata", "labels", "batch.kubernetes.io/controller-uid"]] = .string(uid)
            object[path: path + ["template", "metadata", "labels", "controller-uid"]] = .string(uid)
            if let name = object[path: ["metadata", "name"]] {
                object[path: path + ["template", "metadata", "labels", "batch.kubernetes.io/job-name"]] = name
                object[path: path + ["template", "metadata", "labels", "job-name"]] = name
            }
        }
        podSpec(&object, at: path + ["template", "spec"])
    }

    static func cronJob(_ object: inout JSONValue) {
        setDefault(&object, ["spec", "concurrencyPolicy"], "Allow")
        setDefault(&object, ["spec", "suspend"], false)
        setDefault(&object, ["spec", "successfulJobsHistoryLimit"], 3)
        setDefault(&object, ["spec", "failedJobsHistoryLimit"], 1)
        job(&object, at: ["spec", "jobTemplate", "spec"], uid: nil)
    }

    static func hpa(_ object: inout JSONValue) {
        setDefault(&object, ["spec", "minReplicas"], 1)
        if object[path: ["spec", "metrics"]]?.arrayValue?.isEmpty ?? true {
            object[path: ["spec", "metrics"]] = [HPASpec.resourceUtilization("cpu", 80)]
        }
        guard object[path: ["spec", "behavior"]] != nil else { return }
        setDefault(&object, ["spec", "behavior", "scaleUp"], [
            "stabilizationWindowSeconds": 0, "selectPolicy": "Max",
            "policies": [["type": "Pods", "value": 4, "periodSeconds": 15], ["type": "Percent", "value": 100, "periodSeconds": 15]],
        ])
        setDefault(&object, ["spec", "behavior", "scaleDown"], [
            "stabilizationWindowSeconds": 300, "selectPolicy": "Max",
            "policies": [["type": "Percent", "value": 100, "periodSeconds": 15]],
        ])
    }

    static func podSpec(_ object: inout JSONValue, at path: [String]) {
        guard var spec = object[path: path] else { return }
        setDefault(&spec, ["restartPolicy"], "Always")
        setDefault(&spec, ["terminationGracePeriodSeconds"], 30)
        setDefault(&spec, ["dnsPolicy"], "ClusterFirst")
        setDefault(&spec, ["securityContext"], [:])
        setDefault(&spec, ["schedulerName"], "default-scheduler")
        for field in ["containers", "initContainers"] {
            guard var containers = spec[field]?.arrayValue else { continue }
            for index in containers.indices { container(&containers[index]) }
            spec[field] = .array(containers)
        }
        object[path: path] = spec
    }

    static func container(_ container: inout JSONValue) {
        setDefault(&container, ["terminationMessagePath"], "/dev/termination-log")
        setDefault(&container, ["terminationMessagePolicy"], "File")
        setDefault(&container, ["resources"], [:])
        if container["imagePullPolicy"] == nil {
            let image = container["image"]?.stringValue ?? ""
            let tag = image.split(separator: "/").last.flatMap { $0.split(separator: ":").dropFirst().first }
            let latest = !image.contains("@") && (tag == nil || tag == "latest")
            container["imagePullPolicy"] = latest ? "Always" : "IfNotPresent"
        }
        if var ports = container["ports"]?.arrayValue {
            for index in ports.indices { setDefault(&ports[index], ["protocol"], "TCP") }
            container["ports"] = .array(ports)
        }
        for probe in ["readinessProbe", "livenessProbe", "startupProbe"] where container[probe] != nil {
            setDefault(&container, [probe, "timeoutSeconds"], 1)
            setDefault(&container, [probe, "periodSeconds"], 10)
            setDefault(&container, [probe, "successThreshold"], 1)
            setDefault(&container, [probe, "failureThreshold"], 3)
            if container[path: [probe, "httpGet"]] != nil { setDefault(&container, [probe, "httpGet", "scheme"], "HTTP") }
        }
    }
}
