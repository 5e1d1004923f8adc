import Foundation
import KubeClient

/// The validation of built-in kinds that matters to Modelship's controllers and tests:
/// names, and the required fields whose absence a real API server rejects.
enum Validation {
    static func validate(_ object: JSONValue, resource: ServedResource, store: ClusterStore.State) throws(APIError) {
        var causes: [APIStatus.Cause] = []
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if let problem = nameProblem(name, resource: resource) {
            causes.append(.invalid("metadata.name", "Invalid value: \"\(name)\": \(problem)"))
        }
        for (key, _) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] where !isQualifiedName(key) {
            causes.append(.invalid("metadata.labels", "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.'"))
        }
        switch (resource.group, resource.plural) {
        case ("apps", "deployments"): deployment(object, &causes)
        case ("", "services"): service(object, &causes)
        case ("", "pods"):
            for (index, container) in (object[path: ["spec", "containers"]]?.arrayValue ?? []).enumerated() {
                resources(container["resources"], field: "spec.containers[\(index)].resources", &causes)
            }
        case ("batch", "jobs"): podTemplate(object, at: ["spec", "template"], job: true, &causes)
        case ("batch", "cronjobs"):
            if object[path: ["spec", "schedule"]]?.stringValue?.isEmpty ?? true { causes.append(.required("spec.schedule")) }
            podTemplate(object, at: ["spec", "jobTemplate", "spec", "template"], job: true, &causes)
        case ("autoscaling", "horizontalpodautoscalers"): hpa(object, &causes)
        default: break
        }
        if !causes.isEmpty { throw APIError.invalid(resource, name, causes: causes) }
    }

    /// DNS-1123 subdomain for most kinds; DNS-1035 label for Services.
    static func nameProblem(_ name: String, resource: ServedResource) -> String? {
        let label = resource.plural == "services" || resource.plural == "namespaces"
        let maxLength = label ? 63 : 253
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-" + (label ? "" : "."))
        guard !name.isEmpty, name.count <= maxLength, name.allSatisfy(allowed.contains),
            name.first?.isLetter == true || (!label || resource.plural == "namespaces") && name.first?.isNumber == true,
            name.last.map({ $0.isLetter || $0.isNumber }) == true
        else {
            return label
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        }
        return nil
    }

    static func isQualifiedName(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let namePart = parts.last, !namePart.isEmpty, namePart.utf8.count <= 63 else { return false }
        return namePart.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
            default: false
            }
        }
    }

    static func deployment(_ object: JSONValue, _ causes: inout [APIStatus.Cause]) {
        guard let selector = object[path: ["spec", "selector"]] else {
            causes.append(.required("spec.selector"))
            return
        }
        let labels = object[path: ["spec", "template", "metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        let spec = (try? selector.decode(as: LabelSelectorSpec.self)) ?? LabelSelectorSpec()
        if LabelSelector(spec).isEmpty {
            causes.append(.invalid("spec.selector", "Invalid value: empty selector is invalid for deployment"))
        } else if !LabelSelector(spec).matches(labels) {
            causes.append(.invalid("spec.template.metadata.labels", "Invalid value: `selector` does not match template `labels`"))
        }
        if let replicas = object[path: ["spec", "replicas"]]?.intValue, replicas < 0 {
            causes.append(.invalid("spec.replicas", "Invalid value: \(replicas): must be greater than or equal to 0"))
        }
        podTemplate(object, at: ["spec", "template"], job: false, &causes)
    }

    static func podTemplate(_ object: JSONValue, at path: [String], job: Bool, _ causes: inout [APIStatus.Cause]) {
        let field = path.joined(separator: ".")
        let containers = object[path: path + ["spec", "containers"]]?.arrayValue ?? []
        if containers.isEmpty { causes.append(.required("\(field).spec.containers")) }
        for (index, container) in containers.enumerated() {
            if container["name"]?.stringValue?.isEmpty ?? true { causes.append(.required("\(field).spec.containers[\(index)].name")) }
            if container["image"]?.stringValue?.isEmpty ?? true { causes.append(.required("\(field).spec.containers[\(index)].image")) }
            resources(container["resources"], field: "\(field).spec.containers[\(index)].resources", &causes)
        }
        if job {
            let policy = object[path: path + ["spec", "restartPolicy"]]?.stringValue
            if policy != "Never" && policy != "OnFailure" {
                causes.append(.init(reason: "FieldValueNotSupported",
                                    message: "Unsupported value: \"\(policy ?? "")\": supported values: \"OnFailure\", \"Never\"",
                                    field: "\(field).spec.restartPolicy"))
            }
        }
    }

    /// A request above its limit can never be honoured.
    static func resources(_ resources: JSONValue?, field: String, _ causes: inout [APIStatus.Cause]) {
        let limits = resources?["limits"]?.objectValue ?? [:]
        for (name, request) in (resources?["requests"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let requested = request.stringValue.flatMap(Quantity.Amount.init(parsing:)),
                let limit = limits[name]?.stringValue, let limited = Quantity.Amount(parsing: limit), limited < requested
            else { continue }
            causes.append(.invalid("\(field).requests", "Invalid value: \"\(requested.canonical)\": must be less than or equal to \(name) limit of \(limited.canonical)"))
        }
    }

    static func service(_ object: JSONValue, _ causes: inout [APIStatus.Cause]) {
        let type = object[path: ["spec", "type"]]?.stringValue ?? "ClusterIP"
        let headless = object[path: ["spec", "clusterIP"]]?.stringValue == "None"
        if type != "ExternalName", !headless, object[path: ["spec", "ports"]]?.arrayValue?.isEmpty ?? true {
            causes.append(.required("spec.ports"))
        }
    }

    static func hpa(_ object: JSONValue, _ causes: inout [APIStatus.Cause]) {
        let minimum = object[path: ["spec", "minReplicas"]]?.intValue ?? 1
        let maximum = object[path: ["spec", "maxReplicas"]]?.intValue ?? 0
        if minimum < 1 { causes.append(.invalid("spec.minReplicas", "Invalid value: \(minimum): must be greater than or equal to 1")) }
        if maximum < minimum {
            causes.append(.invalid("spec.maxReplicas", "Invalid value: \(maximum): must be greater than or equal to `minReplicas`"))
        }
        if object[path: ["spec", "scaleTargetRef", "name"]]?.stringValue?.isEmpty ?? true {
            causes.append(.required("spec.scaleTargetRef.name"))
        }
    }
}
