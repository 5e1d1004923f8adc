import Foundation
import KubeClient

/// A container's environment as kubelet builds it: the image's variables, then `envFrom` sources in order,
/// then `env` in order (later names win), with `$(NAME)` references to earlier variables expanded.
struct ContainerEnvironment {
    let pod: JSONValue
    let podIP: String
    let lookup: ObjectLookup

    var namespace: String { PodSpecReader.namespace(pod) }

    func resolve(_ container: JSONValue, image: [String: String]) throws(PodSetupError) -> [String: String] {
        // Pods share the host's network: an image's variables may name the pod's own address, $(POD_IP), so a
        // program that would listen on 0.0.0.0 listens on it instead and replicas do not collide.
        let sandbox = ["POD_IP": podIP, "POD_NAME": PodSpecReader.name(pod), "POD_NAMESPACE": namespace]
        var environment = image.mapValues { Self.expand($0, with: sandbox) }
        for source in container["envFrom"]?.arrayValue ?? [] {
            let prefix = source["prefix"]?.stringValue ?? ""
            for (key, value) in try values(from: source) { environment[prefix + key] = value }
        }
        for variable in container["env"]?.arrayValue ?? [] {
            guard let name = variable["name"]?.stringValue else { continue }
            if let value = variable["value"]?.stringValue {
                environment[name] = Self.expand(value, with: environment)
            } else if let source = variable["valueFrom"] {
                if let value = try value(of: source, variable: name) { environment[name] = value }
            } else {
                environment[name] = ""
            }
        }
        return environment
    }

    private func values(from source: JSONValue) throws(PodSetupError) -> [String: String] {
        let secret = source["secretRef"] != nil
        guard let reference = source["configMapRef"] ?? source["secretRef"], let name = reference["name"]?.stringValue else { return [:] }
        guard let object = lookup(secret ? "secrets" : "configmaps", namespace, name) else {
            if reference["optional"]?.boolValue == true { return [:] }
            throw .config("\(secret ? "secret" : "configmap") \"\(name)\" not found")
        }
        return PodSandbox.values(of: object, secret: secret).mapValues { String(decoding: $0, as: UTF8.self) }
    }

    private func value(of source: JSONValue, variable: String) throws(PodSetupError) -> String? {
        if let selector = source["configMapKeyRef"] ?? source["secretKeyRef"] {
            let secret = source["secretKeyRef"] != nil
            let name = selector["name"]?.stringValue ?? ""
            let key = selector["key"]?.stringValue ?? ""
            let optional = selector["optional"]?.boolValue == true
            guard let object = lookup(secret ? "secrets" : "configmaps", namespace, name) else {
                if optional { return nil }
                throw .config("\(secret ? "secret" : "configmap") \"\(name)\" not found")
            }
            guard let data = PodSandbox.values(of: object, secret: secret)[key] else {
                if optional { return nil }
                throw .config("couldn't find key \(key) in \(secret ? "Secret" : "ConfigMap") \(namespace)/\(name)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        if let field = source[path: ["fieldRef", "fieldPath"]]?.stringValue {
            guard let value = fieldValue(field) else {
                throw .config("unsupported fieldPath \"\(field)\" for environment variable \(variable)")
            }
            return value
        }
        throw .config("environment variable \(variable): resourceFieldRef is not supported by the local kubelet")
    }

    /// The downward API's fields, as kubelet resolves them.
    func fieldValue(_ path: String) -> String? {
        switch path {
        case "metadata.name": return PodSpecReader.name(pod)
        case "metadata.namespace": return namespace
        case "metadata.uid": return PodSpecReader.uid(pod)
        case "spec.nodeName": return pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
        case "spec.serviceAccountName": return pod[path: ["spec", "serviceAccountName"]]?.stringValue ?? "default"
        case "status.hostIP", "status.hostIPs": return "127.0.0.1"
        case "status.podIP", "status.podIPs": return podIP
        default:
            for field in ["labels", "annotations"] {
                let prefix = "metadata.\(field)['"
                guard path.hasPrefix(prefix), path.hasSuffix("']") else { continue }
                let key = String(path.dropFirst(prefix.count).dropLast(2))
                return pod[path: ["metadata", field, key]]?.stringValue ?? ""
            }
            return nil
        }
    }

    /// Expands `$(NAME)` with defined variables; `$$` escapes a `$`; unknown references stay as written.
    static func expand(_ text: String, with environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
            } else if text[next] == "(", let close = text[next...].firstIndex(of: ")"),
                let value = environment[String(text[text.index(after: next)..<close])]
            {
                output += value
                index = text.index(after: close)
            } else {
                output.append(character)
                index = next
            }
        }
        return output
    }
}
