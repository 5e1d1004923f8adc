import Foundation
import KubeClient
import Testing

/// A scratch directory per test, removed afterwards.
final class ScratchDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "kubeconfig-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }
}

/// A syntactically valid PEM block; the client only parses it when it builds a TLS context.
let samplePEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func kubeconfig(user: String, server: String = "https://127.0.0.1:6443", cluster: String = "", context: String = "dev",
                namespace: String = "team-a") -> String {
    """
    apiVersion: v1
    kind: Config
    current-context: \(context)
    clusters:
    - name: c1
      cluster:
        server: \(server)
    \(cluster)
    contexts:
    - name: dev
      context: {cluster: c1, user: u1, namespace: \(namespace)}
    - name: other
      context: {cluster: c1, user: u1}
    users:
    - name: u1
      user:
    \(user)
    """
}

@Suite struct KubeConfigTests {
    @Test func tokenUserAndContextNamespace() async throws {
        let file = try KubeConfigFile.parse(kubeconfig(user: "    token: abc123"))
        let configuration = try ClientConfiguration.from(kubeconfig: file)
        #expect(configuration.server.absoluteString == "https://127.0.0.1:6443")
        #expect(configuration.namespace == "team-a")
        #expect(try await configuration.credentials.authorization() == "Bearer abc123")
        #expect(try ClientConfiguration.from(kubeconfig: file, context: "other").namespace == "default")
    }

    @Test func unknownContextAndMissingFileAreClearErrors() throws {
        let file = try KubeConfigFile.parse(kubeconfig(user: "    token: x"))
        #expect { try ClientConfiguration.from(kubeconfig: file, context: "nope") } throws: { error in
            "\(error)".contains("context 'nope' not found")
        }
        #expect { try ClientConfiguration.fromKubeconfig(path: "/nonexistent/kubeconfig") } throws: { error in
            "\(error)".contains("does not exist")
        }
    }

    @Test func tokenFileIsReadRelativeToTheKubeconfig() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("token", "from-file\n")
        let path = try scratch.write("config", kubeconfig(user: "    tokenFile: token"))
        let configuration = try ClientConfiguration.fromKubeconfig(path: path)
        #expect(try await configuration.credentials.authorization() == "Bearer from-file")
    }

    @Test func certificateAuthorityAndClientCertificateData() throws {
        let data = Data(samplePEM.utf8).base64EncodedString()
        let text = kubeconfig(user: "    client-certificate-data: \(data)\n    client-key-data: \(data)",
                              cluster: "    certificate-authority-data: \(data)\n    tls-server-name: api.internal")
        let configuration = try ClientConfiguration.from(kubeconfig: try KubeConfigFile.parse(text))
        #expect(configuration.trust == .certificateAuthority(pem: Array(samplePEM.utf8)))
        #expect(configuration.clientCertificate?.keyPEM == Array(samplePEM.utf8))
        #expect(configuration.tlsServerName == "api.internal")
    }

    @Test func badPEMIsRejectedWithTheSettingNamed() throws {
        let bad = Data("not a certificate".utf8).base64EncodedString()
        let text = kubeconfig(user: "    token: x", cluster: "    certificate-authority-data: \(bad)")
        #expect { try ClientConfiguration.from(kubeconfig: try KubeConfigFile.parse(text)) } throws: { error in
            "\(error)".contains("certificate-authority-data is not PEM")
        }
    }

    @Test func insecureSkipVerify() throws {
        let text = kubeconfig(user: "    token: x", cluster: "    insecure-skip-tls-verify: true")
        #expect(try ClientConfiguration.from(kubeconfig: try KubeConfigFile.parse(text)).trust == .insecure)
    }

    @Test func kubeconfigListMergesWithFirstDefinitionWinning() throws {
        let scratch = try ScratchDirectory()
        let first = try scratch.write("a", kubeconfig(user: "    token: first"))
        let second = try scratch.write("b", """
            apiVersion: v1
            kind: Config
            current-context: extra
            clusters:
            - {name: c2, cluster: {server: "https://10.0.0.2:443"}}
            contexts:
            - {name: extra, context: {cluster: c2, user: u1}}
            users:
            - {name: u1, user: {token: second}}
            """)
        let environment = ["KUBECONFIG": "\(first):/nonexistent:\(second)"]
        let merged = try ClientConfiguration.fromKubeconfig(environment: environment)
        #expect(merged.namespace == "team-a")
        let extra = try ClientConfiguration.fromKubeconfig(context: "extra", environment: environment)
        #expect(extra.server.absoluteString == "https://10.0.0.2:443")
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginTokensAreCachedUntilExpiry(apiVersion: String) async throws {
        let scratch = try ScratchDirectory()
        let counter = scratch.path + "/calls"
        let future = "2099-01-01T00:00:00Z"
        try scratch.write("plugin", """
            #!/bin/sh
            echo x >> \(counter)
            [ "$(echo "$KUBERNETES_EXEC_INFO" | grep -c ExecCredential)" = 1 ] || exit 3
            echo '{"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":{"token":"exec-'"$1"'","expirationTimestamp":"'"$2"'"}}'
            """, executable: true)
        func configuration(expiry: String) throws -> ClientConfiguration {
            let user = """
                    exec:
                        apiVersion: \(apiVersion)
                        command: ./plugin
                        args: [t1, "\(expiry)"]
                """
            return try ClientConfiguration.fromKubeconfig(path: try scratch.write("config", kubeconfig(user: user)))
        }
        let cached = try configuration(expiry: future)
        #expect(try await cached.credentials.authorization() == "Bearer exec-t1")
        #expect(try await cached.credentials.authorization() == "Bearer exec-t1")
        #expect(try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count == 1)

        let expired = try configuration(expiry: "2001-01-01T00:00:00Z")
        _ = try await expired.credentials.authorization()
        _ = try await expired.credentials.authorization()
        #expect(try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count == 3)
    }

    @Test func rotatedTokenFilesArePickedUp() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("token", "one")
        let credentials = TokenFileCredentials(path: path, refreshInterval: .zero)
        #expect(try await credentials.authorization() == "Bearer one")
        try scratch.write("token", "two")
        #expect(try await credentials.authorization() == "Bearer two")
    }

    @Test func failingExecPluginReportsItsOutput() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("plugin", "#!/bin/sh\necho 'login required' >&2\nexit 1\n", executable: true)
        let user = "    exec:\n        command: ./plugin\n        apiVersion: client.authentication.k8s.io/v1"
        let configuration = try ClientConfiguration.fromKubeconfig(path: try scratch.write("config", kubeconfig(user: user)))
        await #expect { try await configuration.credentials.authorization() } throws: { error in
            "\(error)".contains("login required")
        }
    }

    @Test func inClusterConfigUsesTheServiceAccount() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("ca.crt", samplePEM)
        try scratch.write("namespace", "modelship-system")
        try scratch.write("token", "one")
        let configuration = try ClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: scratch.path)
        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
        #expect(configuration.namespace == "modelship-system")
        #expect(try await configuration.credentials.authorization() == "Bearer one")
        #expect(throws: KubeError.self) {
            try ClientConfiguration.inCluster(environment: [:], serviceAccountDirectory: scratch.path)
        }
    }
}
