import KubeClient

/// Keeps the served kinds in step with CustomResourceDefinitions, as the apiextensions server does.
enum CRDRegistry {
    static let crdKey = ResourceKey(group: "apiextensions.k8s.io", plural: "customresourcedefinitions")

    static func served(from crd: JSONValue) -> ServedResource? {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
            let kind = spec[path: ["names", "kind"]]?.stringValue, let plural = spec[path: ["names", "plural"]]?.stringValue,
            let versions = spec["versions"]?.arrayValue
        else { return nil }
        guard let version = versions.first(where: { $0["storage"]?.boolValue == true }) ?? versions.first,
            let versionName = version["name"]?.stringValue
        else { return nil }
        var resource = ServedResource(group: group, version: versionName, kind: kind, plural: plural,
                                      namespaced: spec["scope"]?.stringValue != "Cluster")
        resource.singular = spec[path: ["names", "singular"]]?.stringValue ?? kind.lowercased()
        resource.shortNames = spec[path: ["names", "shortNames"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        resource.categories = spec[path: ["names", "categories"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        resource.hasStatus = version[path: ["subresources", "status"]] != nil
        if let scale = version[path: ["subresources", "scale"]] {
            resource.scale = .init(specReplicasPath: scale["specReplicasPath"]?.stringValue ?? ".spec.replicas",
                                   statusReplicasPath: scale["statusReplicasPath"]?.stringValue ?? ".status.replicas",
                                   labelSelectorPath: scale["labelSelectorPath"]?.stringValue)
        }
        resource.tracksGeneration = true
        resource.schema = version[path: ["schema", "openAPIV3Schema"]]
        resource.definedByCRD = crd[path: ["metadata", "name"]]?.stringValue
        var columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> PrinterColumn? in
            guard let name = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
            return PrinterColumn(name: name, type: column["type"]?.stringValue ?? "string", jsonPath: path,
                                 priority: Int(column["priority"]?.intValue ?? 0),
                                 description: column["description"]?.stringValue ?? "")
        }
        if columns.isEmpty { columns = [PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")] }
        resource.printerColumns = columns
        return resource
    }

    /// Registers (or re-registers) the kind a CRD defines; a CRD being deleted unregisters nothing yet.
    static func sync(_ state: inout ClusterStore.State, crd: JSONValue) {
        guard crd[path: ["metadata", "deletionTimestamp"]] == nil, let resource = served(from: crd) else { return }
        if let existing = state.resources[resource.key], existing.definedByCRD == nil { return }
        state.resources[resource.key] = resource
    }

    /// Removes the kind and all its objects when its CRD is gone.
    static func unregister(_ state: inout ClusterStore.State, crd: JSONValue) {
        guard let resource = served(from: crd), state.resources[resource.key]?.definedByCRD != nil else { return }
        state.resources[resource.key] = nil
        for (key, object) in state.objects[resource.key] ?? [:] {
            if let uid = object[path: ["metadata", "uid"]]?.stringValue { state.uids[uid] = nil }
            state.indexOwners(of: object, at: .init(resource: resource.key, key: key), adding: false)
        }
        state.objects[resource.key] = nil
    }

    /// The status the apiextensions controllers would write: names accepted, established.
    static func establishedStatus(for crd: JSONValue, now: String) -> JSONValue {
        let names = crd[path: ["spec", "names"]] ?? [:]
        let storedVersions = (crd[path: ["spec", "versions"]]?.arrayValue ?? [])
            .filter { $0["storage"]?.boolValue == true }.compactMap(\.["name"])
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            ["type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
             "lastTransitionTime": .string(now)]
        }
        return [
            "acceptedNames": names,
            "storedVersions": .array(storedVersions),
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
        ]
    }
}
