import Foundation
import KubeClient
import KubeTestServer
import Testing

/// Runs openssl, failing the test with its output when it fails.
func openssl(_ arguments: [String], in directory: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = Pipe()
    try process.run()
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        throw KubeError.configuration("openssl \(arguments.joined(separator: " ")) failed: "
            + String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}

@Suite struct TLSTests {
    /// A CA and a client certificate made by openssl; the server only admits clients it signed.
    @Test func clientCertificateAuthenticationWithKubeconfig() async throws {
        let scratch = try ScratchDirectory()
        let dir = scratch.path
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
                     "-subj", "/CN=test-client-ca"], in: dir)
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
                     "-subj", "/CN=modelship-operator/O=system:masters"], in: dir)
        try openssl(["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "client.crt", "-days", "1"], in: dir)

        var configuration = EmbeddedAPIServer.Configuration()
        configuration.token = nil
        configuration.clientCAPEM = try String(contentsOfFile: dir + "/ca.crt", encoding: .utf8)
        let server = EmbeddedAPIServer(configuration: configuration)
        let endpoint = try await server.start()
        try scratch.write("server-ca.crt", endpoint.caPEM ?? "")
        let path = try scratch.write("kubeconfig", """
            apiVersion: v1
            kind: Config
            current-context: tls
            clusters:
            - name: tls
              cluster: {server: "\(endpoint.url.absoluteString)", certificate-authority: server-ca.crt}
            contexts:
            - name: tls
              context: {cluster: tls, user: cert}
            users:
            - name: cert
              user: {client-certificate: client.crt, client-key: client.key}
            - name: nocert
              user: {}
            """)

        let withCertificate = try KubeClient(configuration: try ClientConfiguration.fromKubeconfig(path: path))
        let namespaces = try await Api<Namespace>(client: withCertificate).list()
        #expect(namespaces.items.contains { $0.name == "default" })
        await withCertificate.shutdown()

        var anonymous = try ClientConfiguration.fromKubeconfig(path: path)
        anonymous.clientCertificate = nil
        anonymous.maxRetries = 0
        let withoutCertificate = try KubeClient(configuration: anonymous)
        await #expect { try await Api<Namespace>(client: withoutCertificate).list() } throws: { error in
            if case .transport = error as? KubeError { return true }
            return false
        }
        await withoutCertificate.shutdown()

        var untrusted = try ClientConfiguration.fromKubeconfig(path: path)
        untrusted.trust = .system
        untrusted.maxRetries = 0
        let wrongCA = try KubeClient(configuration: untrusted)
        await #expect { try await Api<Namespace>(client: wrongCA).list() } throws: { error in
            if case .transport = error as? KubeError { return true }
            return false
        }
        await wrongCA.shutdown()
        await server.stop()
    }

    /// tls-server-name: the certificate is verified against that name, not the URL's host.
    @Test func tlsServerNameIsTheNameTheCertificateIsCheckedAgainst() async throws {
        var configuration = EmbeddedAPIServer.Configuration()
        configuration.certificateHostnames = ["kube.internal"]
        configuration.certificateAddresses = []  // the URL's 127.0.0.1 is not in the certificate
        let server = EmbeddedAPIServer(configuration: configuration)
        let endpoint = try await server.start()
        func attempt(_ name: String?) async throws -> Bool {
            var settings = endpoint.clientConfiguration()
            settings.tlsServerName = name
            settings.maxRetries = 0
            let client = try KubeClient(configuration: settings)
            defer { Task { await client.shutdown() } }
            do {
                _ = try await Api<Namespace>(client: client).get("default")
                return true
            } catch let error as KubeError {
                if case .transport = error { return false }
                throw error
            }
        }
        #expect(try await attempt(nil) == false)
        #expect(try await attempt("kube.internal") == true)
        #expect(try await attempt("other.internal") == false)
        await server.stop()
    }
}
