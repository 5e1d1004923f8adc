import Foundation

/// One resource the server serves, from discovery.
public struct DiscoveredResource: Sendable, Hashable, Codable {
    public var group: String
    public var version: String
    public var name: String
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]

    public var resourceType: ResourceType {
        ResourceType(group: group, version: version, kind: kind, plural: name, namespaced: namespaced)
    }
}

/// Reads `/api` and `/apis` so callers can tell which APIs (Gateway API, Istio) a cluster has.
public struct Discovery: Sendable {
    let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    struct APIResourceList: Decodable {
        struct Resource: Decodable {
            var name: String
            var kind: String
            var namespaced: Bool
            var verbs: [String]?
            var shortNames: [String]?
        }
        var groupVersion: String
        var resources: [Resource]
    }

    struct APIGroupList: Decodable {
        struct Group: Decodable {
            struct Version: Decodable { var groupVersion: String }
            var name: String
            var versions: [Version]
        }
        var groups: [Group]
    }

    struct APIVersions: Decodable { var versions: [String] }

    public func serverVersion() async throws(KubeError) -> JSONValue {
        try JSONValueResponse.parse(try await client.send("GET", path: "/version"))
    }

    /// Group-versions served ("v1", "apps/v1", "gateway.networking.k8s.io/v1", ...).
    public func groupVersions() async throws(KubeError) -> [String] {
        let core: APIVersions = try JSONValueResponse.decode(try await client.send("GET", path: "/api"))
        let groups: APIGroupList = try JSONValueResponse.decode(try await client.send("GET", path: "/apis"))
        return core.versions + groups.groups.flatMap { $0.versions.map(\.groupVersion) }
    }

    /// Resources of one group-version; empty when the server does not serve it.
    public func resources(groupVersion: String) async throws(KubeError) -> [DiscoveredResource] {
        let path = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        let list: APIResourceList
        do {
            list = try JSONValueResponse.decode(try await client.send("GET", path: path))
        } catch .notFound {
            return []
        }
        let parts = groupVersion.split(separator: "/").map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? groupVersion
        return list.resources.filter { !$0.name.contains("/") }.map {
            DiscoveredResource(group: group, version: version, name: $0.name, kind: $0.kind, namespaced: $0.namespaced,
                               verbs: $0.verbs ?? [], shortNames: $0.shortNames ?? [])
        }
    }

    /// Every resource the server serves.
    public func allResources() async throws(KubeError) -> [DiscoveredResource] {
        var result: [DiscoveredResource] = []
        for groupVersion in try await groupVersions() {
            result += try await resources(groupVersion: groupVersion)
        }
        return result
    }

    /// Whether `plural` in `group` is served in any version: how the operator detects Gateway API or Istio.
    public func serves(group: String, plural: String) async throws(KubeError) -> Bool {
        for groupVersion in try await groupVersions() where groupVersion.hasPrefix(group + "/") {
            if try await resources(groupVersion: groupVersion).contains(where: { $0.name == plural }) { return true }
        }
        return false
    }
}

enum JSONValueResponse {
    static func parse(_ data: Data) throws(KubeError) -> JSONValue {
        do { return try JSONValue.decode(data) } catch { throw .decoding("response is not JSON: \(error)") }
    }

    static func decode<T: Decodable>(_ data: Data) throws(KubeError) -> T {
        do { return try KubeJSON.decoder.decode(T.self, from: data) } catch { throw .decoding("\(T.self): \(error)") }
    }
}
