import Foundation

/// Everything the client needs to talk to one API server: resolved from a kubeconfig or the pod's service account.
public struct ClientConfiguration: Sendable {
    public enum TLSTrust: Sendable, Equatable {
        /// The system trust store.
        case system
        /// Only these PEM-encoded certificate authorities.
        case certificateAuthority(pem: [UInt8])
        /// No verification (`insecure-skip-tls-verify`); for development only.
        case insecure
    }

    public struct ClientCertificate: Sendable, Equatable {
        public var certificatePEM: [UInt8]
        public var keyPEM: [UInt8]
        public init(certificatePEM: [UInt8], keyPEM: [UInt8]) {
            self.certificatePEM = certificatePEM
            self.keyPEM = keyPEM
        }
    }

    public var server: URL
    public var trust: TLSTrust
    public var tlsServerName: String?
    public var clientCertificate: ClientCertificate?
    public var credentials: any CredentialProvider
    /// The namespace of the context (or the pod), used when a call names none.
    public var namespace: String
    /// Client-side rate limit, as client-go's QPS and Burst. Higher than client-go's old 5/10: API Priority
    /// and Fairness protects the API server, and 1,000 objects must converge in well under a minute.
    public var qps: Double = 200
    public var burst: Int = 400
    public var connectTimeout: Duration = .seconds(10)
    public var requestTimeout: Duration = .seconds(60)
    public var maxRetries: Int = 5
    public var userAgent: String = "modelship/\(ModelshipVersion.current)"
    /// Drops `metadata.managedFields` from every object the client decodes, as controller-runtime's
    /// `TransformStripManagedFields` does for caches: a controller that never reads field ownership saves
    /// decoding it and keeping it in memory. Writes are unaffected (a PUT without the list keeps the server's).
    public var dropsManagedFields = false

    public init(server: URL, trust: TLSTrust = .system, tlsServerName: String? = nil,
                clientCertificate: ClientCertificate? = nil, credentials: any CredentialProvider = NoCredentials(),
                namespace: String = "default") {
        self.server = server
        self.trust = trust
        self.tlsServerName = tlsServerName
        self.clientCertificate = clientCertificate
        self.credentials = credentials
        self.namespace = namespace
    }
}

public enum ModelshipVersion {
    public static let current = "0.1.0"
}

extension ClientConfiguration {
    /// Resolves a context of a (merged) kubeconfig; `context` nil means current-context.
    public static func from(kubeconfig file: KubeConfigFile, context name: String? = nil) throws(KubeError) -> ClientConfiguration {
        guard let contextName = name ?? file.currentContext, !contextName.isEmpty else {
            throw .configuration("kubeconfig has no current-context and none was given")
        }
        guard let context = file.contexts.first(where: { $0.name == contextName })?.context else {
            throw .configuration("context '\(contextName)' not found in kubeconfig")
        }
        guard let cluster = file.clusters.first(where: { $0.name == context.cluster })?.cluster else {
            throw .configuration("cluster '\(context.cluster)' of context '\(contextName)' not found in kubeconfig")
        }
        guard let server = URL(string: cluster.server), server.scheme != nil, server.host != nil else {
            throw .configuration("cluster '\(context.cluster)' has an invalid server URL '\(cluster.server)'")
        }
        let user = try context.user.map { (userName: String) throws(KubeError) -> KubeConfigFile.User in
            guard let user = file.users.first(where: { $0.name == userName })?.user else {
                throw .configuration("user '\(userName)' of context '\(contextName)' not found in kubeconfig")
            }
            return user
        }
        var configuration = ClientConfiguration(
            server: server,
            trust: try trust(of: cluster),
            tlsServerName: cluster.tlsServerName,
            clientCertificate: try user.flatMap(clientCertificate(of:)),
            credentials: try user.map { (u: KubeConfigFile.User) throws(KubeError) in try credentials(of: u, cluster: cluster) }
                ?? NoCredentials(),
            namespace: context.namespace ?? "default")
        configuration.namespace = context.namespace ?? "default"
        return configuration
    }

    /// Loads `KUBECONFIG` (several files separated by ':') or `~/.kube/config`.
    public static func fromKubeconfig(path: String? = nil, context: String? = nil,
                                      environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(KubeError) -> ClientConfiguration
    {
        let paths: [String]
        if let path {
            paths = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        } else {
            paths = [(environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"]
        }
        // kubectl skips KUBECONFIG entries that do not exist; a single or explicit file must exist.
        let existing = paths.count == 1 ? paths : paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else {
            throw .configuration("none of the kubeconfig files exist: \(paths.joined(separator: ", "))")
        }
        var files: [KubeConfigFile] = []
        for path in existing { files.append(try KubeConfigFile.load(path: path)) }
        return try from(kubeconfig: KubeConfigFile.merged(files), context: context)
    }

    /// The pod's own service account, as client-go's rest.InClusterConfig.
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount")
        throws(KubeError) -> ClientConfiguration
    {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"] else {
            throw .configuration("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(port)") else {
            throw .configuration("invalid in-cluster address \(host):\(port)")
        }
        let caPath = serviceAccountDirectory + "/ca.crt"
        guard let ca = FileManager.default.contents(atPath: caPath) else {
            throw .configuration("in-cluster CA '\(caPath)' cannot be read")
        }
        let namespace = FileManager.default.contents(atPath: serviceAccountDirectory + "/namespace")
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        return ClientConfiguration(
            server: server, trust: .certificateAuthority(pem: try PEM.validated(Array(ca), what: "in-cluster CA")),
            credentials: TokenFileCredentials(path: serviceAccountDirectory + "/token"),
            namespace: namespace ?? "default")
    }

    /// In-cluster when running in a pod, else kubeconfig: what controllers usually want.
    public static func automatic(kubeconfig: String? = nil, context: String? = nil) throws(KubeError) -> ClientConfiguration {
        let environment = ProcessInfo.processInfo.environment
        if kubeconfig == nil, environment["KUBECONFIG"] == nil, environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment)
        }
        return try fromKubeconfig(path: kubeconfig, context: context, environment: environment)
    }

    static func trust(of cluster: KubeConfigFile.Cluster) throws(KubeError) -> TLSTrust {
        if cluster.insecureSkipTLSVerify == true { return .insecure }
        if let data = cluster.certificateAuthorityData {
            return .certificateAuthority(pem: try PEM.validated(try PEM.base64(data, what: "certificate-authority-data"),
                                                                what: "certificate-authority-data"))
        }
        if let path = cluster.certificateAuthority {
            return .certificateAuthority(pem: try PEM.validated(try PEM.read(path, what: "certificate-authority"),
                                                                what: "certificate-authority '\(path)'"))
        }
        return .system
    }

    static func clientCertificate(of user: KubeConfigFile.User) throws(KubeError) -> ClientCertificate? {
        let certificate: [UInt8]? =
            if let data = user.clientCertificateData { try PEM.base64(data, what: "client-certificate-data") }
            else if let path = user.clientCertificate { try PEM.read(path, what: "client-certificate") }
            else { nil }
        let key: [UInt8]? =
            if let data = user.clientKeyData { try PEM.base64(data, what: "client-key-data") }
            else if let path = user.clientKey { try PEM.read(path, what: "client-key") }
            else { nil }
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            return ClientCertificate(certificatePEM: try PEM.validated(certificate, what: "client certificate"),
                                     keyPEM: try PEM.validated(key, what: "client key"))
        default:
            throw .configuration("a client certificate needs both a certificate and a key")
        }
    }

    static func credentials(of user: KubeConfigFile.User, cluster: KubeConfigFile.Cluster) throws(KubeError)
        -> any CredentialProvider
    {
        if let token = user.token, !token.isEmpty { return StaticTokenCredentials(token: token) }
        if let path = user.tokenFile { return TokenFileCredentials(path: path) }
        if let exec = user.exec { return ExecCredentials(config: exec, server: cluster.server) }
        if let username = user.username, let password = user.password {
            return BasicAuthCredentials(username: username, password: password)
        }
        return NoCredentials()
    }
}

/// Reading and sanity-checking PEM material, with errors that name the setting at fault.
enum PEM {
    static func read(_ path: String, what: String) throws(KubeError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(what) file '\(path)' does not exist or cannot be read")
        }
        return Array(data)
    }

    static func base64(_ text: String, what: String) throws(KubeError) -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .configuration("\(what) is not valid base64")
        }
        return Array(data)
    }

    static func validated(_ bytes: [UInt8], what: String) throws(KubeError) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("-----BEGIN "), text.contains("-----END ") else {
            throw .configuration("\(what) is not PEM data (no BEGIN/END block)")
        }
        return bytes
    }
}
