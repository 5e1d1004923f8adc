import Foundation
import Yams

/// The kubeconfig file format (`clientcmd/api/v1.Config`), as written by kubectl.
public struct KubeConfigFile: Codable, Sendable, Equatable {
    public struct NamedCluster: Codable, Sendable, Equatable {
        public var name: String
        public var cluster: Cluster
    }
    public struct Cluster: Codable, Sendable, Equatable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool?
        public var tlsServerName: String?
        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }
    public struct NamedUser: Codable, Sendable, Equatable {
        public var name: String
        public var user: User
    }
    public struct User: Codable, Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var exec: ExecConfig?
        public var username: String?
        public var password: String?
        enum CodingKeys: String, CodingKey {
            case token, tokenFile, exec, username, password
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
        }
    }
    public struct ExecConfig: Codable, Sendable, Equatable {
        public struct EnvVar: Codable, Sendable, Equatable {
            public var name: String
            public var value: String
        }
        public var apiVersion: String?
        public var command: String
        public var args: [String]?
        public var env: [EnvVar]?
        public var installHint: String?
        public var provideClusterInfo: Bool?
    }
    public struct NamedContext: Codable, Sendable, Equatable {
        public var name: String
        public var context: Context
    }
    public struct Context: Codable, Sendable, Equatable {
        public var cluster: String
        public var user: String?
        public var namespace: String?
    }

    public var clusters: [NamedCluster]
    public var users: [NamedUser]
    public var contexts: [NamedContext]
    public var currentContext: String?
    /// Directory of the file this came from: relative paths in it resolve against it.
    public var baseDirectory: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    public init(clusters: [NamedCluster] = [], users: [NamedUser] = [], contexts: [NamedContext] = [],
                currentContext: String? = nil) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clusters = try c.decodeIfPresent([NamedCluster].self, forKey: .clusters) ?? []
        users = try c.decodeIfPresent([NamedUser].self, forKey: .users) ?? []
        contexts = try c.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
    }

    /// Parses one kubeconfig document (YAML or JSON).
    public static func parse(_ text: String, baseDirectory: String? = nil) throws(KubeError) -> KubeConfigFile {
        do {
            var file = try YAMLDecoder().decode(KubeConfigFile.self, from: text)
            file.baseDirectory = baseDirectory
            file.resolveRelativePaths()
            return file
        } catch {
            throw .configuration("invalid kubeconfig: \(error)")
        }
    }

    public static func load(path: String) throws(KubeError) -> KubeConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("kubeconfig file '\(path)' does not exist or cannot be read")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(String(decoding: data, as: UTF8.self), baseDirectory: directory)
    }

    /// Merges files in `KUBECONFIG` order: the first file to define a name wins, as in kubectl.
    public static func merged(_ files: [KubeConfigFile]) -> KubeConfigFile {
        var result = KubeConfigFile()
        for file in files {
            if result.currentContext?.isEmpty ?? true { result.currentContext = file.currentContext }
            for cluster in file.clusters where !result.clusters.contains(where: { $0.name == cluster.name }) {
                result.clusters.append(cluster)
            }
            for user in file.users where !result.users.contains(where: { $0.name == user.name }) {
                result.users.append(user)
            }
            for context in file.contexts where !result.contexts.contains(where: { $0.name == context.name }) {
                result.contexts.append(context)
            }
        }
        return result
    }

    mutating func resolveRelativePaths() {
        guard let base = baseDirectory else { return }
        func resolve(_ path: String?) -> String? {
            guard let path, !path.isEmpty, !path.hasPrefix("/") else { return path }
            return URL(fileURLWithPath: base).appendingPathComponent(path).path
        }
        for index in clusters.indices {
            clusters[index].cluster.certificateAuthority = resolve(clusters[index].cluster.certificateAuthority)
        }
        for index in users.indices {
            users[index].user.tokenFile = resolve(users[index].user.tokenFile)
            users[index].user.clientCertificate = resolve(users[index].user.clientCertificate)
            users[index].user.clientKey = resolve(users[index].user.clientKey)
            if let command = users[index].user.exec?.command, command.contains("/") {
                users[index].user.exec?.command = resolve(command) ?? command
            }
        }
    }
}
