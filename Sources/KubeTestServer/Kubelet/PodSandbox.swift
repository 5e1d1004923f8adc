import Foundation
import KubeClient

/// Why a pod's containers cannot be set up yet; the kubelet reports it and tries again when things change.
struct PodSetupError: Error, Equatable, CustomStringConvertible {
    /// The container's waiting reason (`CreateContainerConfigError`) or the Event reason (`FailedMount`).
    var reason: String
    var message: String
    var description: String { message }

    static func config(_ message: String) -> PodSetupError { .init(reason: "CreateContainerConfigError", message: message) }
    static func mount(_ message: String) -> PodSetupError { .init(reason: "FailedMount", message: message) }
}

/// Reads the ConfigMaps and Secrets a pod refers to.
typealias ObjectLookup = @Sendable (_ plural: String, _ namespace: String, _ name: String) -> JSONValue?

/// A pod's directory on this machine: its volumes (`volumes/<name>`) and each container's termination
/// message file (`containers/<name>/termination-log`).
struct PodSandbox: Sendable {
    let directory: String

    init(root: String, pod: JSONValue) {
        let meta = pod["metadata"]
        let name = [meta?["namespace"]?.stringValue ?? "", meta?["name"]?.stringValue ?? "", meta?["uid"]?.stringValue ?? ""]
            .joined(separator: "_")
        directory = root + "/" + name
    }

    func volumeDirectory(_ name: String) -> String { "\(directory)/volumes/\(name)" }
    func containerDirectory(_ name: String) -> String { "\(directory)/containers/\(name)" }
    func terminationLog(_ container: String) -> String { containerDirectory(container) + "/termination-log" }
    var hostsFile: String { directory + "/etc-hosts" }

    /// Creates the directories and writes every volume; fails on a volume this kubelet cannot provide.
    func prepare(_ pod: JSONValue, lookup: ObjectLookup) throws(PodSetupError) {
        let fileManager = FileManager.default
        for container in PodSpecReader.containers(pod) {
            let name = container["name"]?.stringValue ?? ""
            try? fileManager.createDirectory(atPath: containerDirectory(name), withIntermediateDirectories: true)
            if !fileManager.fileExists(atPath: terminationLog(name)) {
                _ = fileManager.createFile(atPath: terminationLog(name), contents: nil)
            }
        }
        try writeVolumes(pod, lookup: lookup)
    }

    /// Writes every volume's content again (ConfigMap and Secret volumes follow their objects, as kubelet's do).
    func writeVolumes(_ pod: JSONValue, lookup: ObjectLookup) throws(PodSetupError) {
        let namespace = pod[path: ["metadata", "namespace"]]?.stringValue ?? ""
        for volume in pod[path: ["spec", "volumes"]]?.arrayValue ?? [] {
            let name = volume["name"]?.stringValue ?? ""
            let directory = volumeDirectory(name)
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if volume["emptyDir"] != nil { continue }
            if let source = volume["configMap"] {
                try writeProjection(source, plural: "configmaps", kind: "configmap", namespace: namespace, into: directory, lookup: lookup)
            } else if let source = volume["secret"] {
                var renamed = source
                renamed["name"] = source["secretName"]
                try writeProjection(renamed, plural: "secrets", kind: "secret", namespace: namespace, into: directory, lookup: lookup)
            } else {
                let type = volume.objectValue?.keys.first { $0 != "name" } ?? "unknown"
                throw .mount("MountVolume.SetUp failed for volume \"\(name)\": \(type) volumes are not supported by the local kubelet "
                             + "(emptyDir, configMap and secret are)")
            }
        }
    }

    /// Writes a ConfigMap's or Secret's keys (or the chosen `items`) as files; removes keys that went away.
    private func writeProjection(_ source: JSONValue, plural: String, kind: String, namespace: String, into directory: String,
                                 lookup: ObjectLookup) throws(PodSetupError) {
        let objectName = source["name"]?.stringValue ?? ""
        let optional = source["optional"]?.boolValue == true
        guard let object = lookup(plural, namespace, objectName) else {
            if optional { return }
            throw .mount("MountVolume.SetUp failed for volume: \(kind) \"\(objectName)\" not found")
        }
        let values = Self.values(of: object, secret: plural == "secrets")
        var files: [(path: String, data: Data, mode: Int64?)] = []
        if let items = source["items"]?.arrayValue {
            for item in items {
                let key = item["key"]?.stringValue ?? ""
                guard let data = values[key] else {
                    if optional { continue }
                    throw .mount("MountVolume.SetUp failed: couldn't find key \(key) in \(kind == "secret" ? "Secret" : "ConfigMap") "
                                 + "\(namespace)/\(objectName)")
                }
                files.append((item["path"]?.stringValue ?? key, data, item["mode"]?.intValue))
            }
        } else {
            files = values.map { ($0.key, $0.value, nil) }
        }
        let defaultMode = source["defaultMode"]?.intValue ?? 0o644
        let fileManager = FileManager.default
        let wanted = Set(files.map(\.path))
        for existing in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] where !wanted.contains(existing) {
            try? fileManager.removeItem(atPath: directory + "/" + existing)
        }
        for file in files {
            let path = directory + "/" + file.path
            try? fileManager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if fileManager.contents(atPath: path) != file.data { try? file.data.write(to: URL(fileURLWithPath: path), options: .atomic) }
            try? fileManager.setAttributes([.posixPermissions: NSNumber(value: file.mode ?? defaultMode)], ofItemAtPath: path)
        }
    }

    /// A ConfigMap's `data` and `binaryData`, or a Secret's decoded `data`.
    static func values(of object: JSONValue, secret: Bool) -> [String: Data] {
        var values: [String: Data] = [:]
        for (key, value) in object["data"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { continue }
            values[key] = secret ? Data(base64Encoded: text) : Data(text.utf8)
        }
        for (key, value) in object["binaryData"]?.objectValue ?? [:] {
            if let text = value.stringValue, let data = Data(base64Encoded: text) { values[key] = data }
        }
        return values
    }

    /// The container's mounts as host paths, its termination message file included.
    func pathMapper(for container: JSONValue) -> PathMapper {
        var mounts: [String: String] = [:]
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            guard let path = mount["mountPath"]?.stringValue, let volume = mount["name"]?.stringValue else { continue }
            let subPath = mount["subPath"]?.stringValue.map { "/" + $0 } ?? ""
            mounts[path] = volumeDirectory(volume) + subPath
        }
        let name = container["name"]?.stringValue ?? ""
        mounts[container["terminationMessagePath"]?.stringValue ?? "/dev/termination-log"] = terminationLog(name)
        return PathMapper(mounts)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Reads the parts of a pod spec the kubelet needs.
enum PodSpecReader {
    static func containers(_ pod: JSONValue) -> [JSONValue] { pod[path: ["spec", "containers"]]?.arrayValue ?? [] }
    static func name(_ pod: JSONValue) -> String { pod[path: ["metadata", "name"]]?.stringValue ?? "" }
    static func namespace(_ pod: JSONValue) -> String { pod[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    static func uid(_ pod: JSONValue) -> String { pod[path: ["metadata", "uid"]]?.stringValue ?? "" }
    static func restartPolicy(_ pod: JSONValue) -> String { pod[path: ["spec", "restartPolicy"]]?.stringValue ?? "Always" }
    static func isTerminating(_ pod: JSONValue) -> Bool { pod[path: ["metadata", "deletionTimestamp"]] != nil }
    static func gracePeriod(_ pod: JSONValue) -> Int64 {
        pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
    }
}
