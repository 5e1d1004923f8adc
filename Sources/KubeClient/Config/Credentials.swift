import Foundation

/// Supplies the `Authorization` header for each request; may refresh behind the scenes.
public protocol CredentialProvider: Sendable {
    /// The header value ("Bearer ...", "Basic ..."), or nil for none.
    func authorization() async throws(KubeError) -> String?
}

public struct NoCredentials: CredentialProvider {
    public init() {}
    public func authorization() async throws(KubeError) -> String? { nil }
}

public struct StaticTokenCredentials: CredentialProvider {
    public let token: String
    public init(token: String) { self.token = token }
    public func authorization() async throws(KubeError) -> String? { "Bearer \(token)" }
}

public struct BasicAuthCredentials: CredentialProvider {
    public let username: String
    public let password: String
    public func authorization() async throws(KubeError) -> String? {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}

/// A token read from a file and re-read at most every `refreshInterval`, so rotated
/// service-account tokens are picked up (client-go re-reads each minute).
public final class TokenFileCredentials: CredentialProvider {
    let path: String
    let refreshInterval: Duration
    private let cache = TokenCache()

    public init(path: String, refreshInterval: Duration = .seconds(60)) {
        self.path = path
        self.refreshInterval = refreshInterval
    }

    public func authorization() async throws(KubeError) -> String? {
        let now = ContinuousClock.now
        if let token = await cache.valid(at: now) { return "Bearer \(token)" }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("token file '\(path)' cannot be read")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        await cache.store(token, until: now.advanced(by: refreshInterval))
        return "Bearer \(token)"
    }
}

/// A token and when it stops being usable.
actor TokenCache {
    private var token: String?
    private var expiry: ContinuousClock.Instant?

    func valid(at now: ContinuousClock.Instant) -> String? {
        guard let token, let expiry, now < expiry else { return nil }
        return token
    }

    func store(_ token: String, until expiry: ContinuousClock.Instant?) {
        self.token = token
        self.expiry = expiry
    }
}

/// An `exec` credential plugin (`client.authentication.k8s.io/v1` or `v1beta1`), as kubectl runs them:
/// the plugin prints an ExecCredential whose token is cached until `expirationTimestamp`.
public final class ExecCredentials: CredentialProvider {
    let config: KubeConfigFile.ExecConfig
    let server: String
    private let cache = TokenCache()

    init(config: KubeConfigFile.ExecConfig, server: String) {
        self.config = config
        self.server = server
    }

    struct ExecCredential: Decodable {
        struct Status: Decodable {
            var token: String?
            var expirationTimestamp: String?
            var clientCertificateData: String?
            var clientKeyData: String?
        }
        var apiVersion: String?
        var kind: String?
        var status: Status?
    }

    public func authorization() async throws(KubeError) -> String? {
        let now = ContinuousClock.now
        if let token = await cache.valid(at: now) { return "Bearer \(token)" }
        let credential = try run()
        guard let token = credential.status?.token else {
            throw .configuration("exec plugin '\(config.command)' returned no token")
        }
        var expiry: ContinuousClock.Instant?
        if let stamp = credential.status?.expirationTimestamp {
            guard let date = KubeTime.parse(stamp) else {
                throw .configuration("exec plugin '\(config.command)' returned an invalid expirationTimestamp '\(stamp)'")
            }
            expiry = now.advanced(by: .seconds(date.timeIntervalSinceNow))
        } else {
            expiry = .now.advanced(by: .seconds(86_400 * 365))
        }
        await cache.store(token, until: expiry)
        return "Bearer \(token)"
    }

    func run() throws(KubeError) -> ExecCredential {
        let apiVersion = config.apiVersion ?? "client.authentication.k8s.io/v1"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolveCommand(config.command))
        process.arguments = config.args ?? []
        var environment = ProcessInfo.processInfo.environment
        for variable in config.env ?? [] { environment[variable.name] = variable.value }
        var execInfo: JSONValue = ["apiVersion": .string(apiVersion), "kind": "ExecCredential",
                                   "spec": ["interactive": false]]
        if config.provideClusterInfo == true { execInfo[path: ["spec", "cluster", "server"]] = .string(server) }
        environment["KUBERNETES_EXEC_INFO"] = execInfo.jsonString
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            let hint = config.installHint.map { ": \($0)" } ?? ""
            throw .configuration("exec plugin '\(config.command)' could not be started (\(error))\(hint)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .configuration("exec plugin '\(config.command)' failed with status \(process.terminationStatus): \(errorText)")
        }
        do {
            let credential = try JSONDecoder().decode(ExecCredential.self, from: data)
            if let returned = credential.apiVersion, returned != apiVersion {
                throw KubeError.configuration("exec plugin returned apiVersion \(returned), expected \(apiVersion)")
            }
            return credential
        } catch let error as KubeError {
            throw error
        } catch {
            throw .configuration("exec plugin '\(config.command)' printed no valid ExecCredential: \(error)")
        }
    }

    /// Finds a bare command name on PATH, as the shell would.
    func resolveCommand(_ command: String) -> String {
        if command.contains("/") { return command }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return command
    }
}
