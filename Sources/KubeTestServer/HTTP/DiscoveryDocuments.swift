import KubeClient

/// Discovery documents built from the served kinds, so CRDs appear and disappear live.
enum DiscoveryDocuments {
    static let kubernetesVersion = (major: "1", minor: "31", git: "v1.31.0")

    static func version() -> JSONValue {
        ["major": .string(kubernetesVersion.major), "minor": .string(kubernetesVersion.minor),
         "gitVersion": .string(kubernetesVersion.git + "+modelship-embedded"), "gitCommit": "0000000000000000000000000000000000000000",
         "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.22.0", "compiler": "gc",
         "platform": "linux/amd64"]
    }

    static func coreVersions(address: String) -> JSONValue {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(address)]]]
    }

    static func groups(_ resources: [ServedResource]) -> JSONValue {
        var versionsByGroup: [String: Set<String>] = [:]
        for resource in resources where !resource.group.isEmpty {
            versionsByGroup[resource.group, default: []].insert(resource.version)
        }
        let groups: [JSONValue] = versionsByGroup.keys.sorted().map { group in
            let versions = versionsByGroup[group]!.sorted().map { version -> JSONValue in
                ["groupVersion": .string("\(group)/\(version)"), "version": .string(version)]
            }
            return ["name": .string(group), "versions": .array(versions), "preferredVersion": versions[0]]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    static func group(_ name: String, _ resources: [ServedResource]) -> JSONValue? {
        let versions = Set(resources.filter { $0.group == name }.map(\.version)).sorted()
        guard !versions.isEmpty else { return nil }
        let entries = versions.map { version -> JSONValue in
            ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
        }
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
                "preferredVersion": entries[0]]
    }

    static func resourceList(group: String, version: String, _ resources: [ServedResource]) -> JSONValue? {
        let matching = resources.filter { $0.group == group && $0.version == version }.sorted { $0.plural < $1.plural }
        guard !matching.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for resource in matching {
            var entry: JSONValue = [
                "name": .string(resource.plural), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                "verbs": .array(ServedResource.verbs.map { .string($0) }),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map { .string($0) }) }
            if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map { .string($0) }) }
            entries.append(entry)
            if resource.hasStatus {
                entries.append(["name": .string(resource.plural + "/status"), "singularName": "", "namespaced": .bool(resource.namespaced),
                                "kind": .string(resource.kind), "verbs": ["get", "patch", "update"]])
            }
            if resource.scale != nil {
                entries.append(["name": .string(resource.plural + "/scale"), "singularName": "", "namespaced": .bool(resource.namespaced),
                                "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                "resources": .array(entries)]
    }
}
