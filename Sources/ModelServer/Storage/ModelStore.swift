import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import ModelshipShared
import NIOHTTP1

/// Fetches models into a local cache: download to a temporary file, verify the optional sha256, then
/// rename into place atomically, so a crash never leaves a half-written model that looks complete.
/// Local paths are used in place.
public struct ModelStore: Sendable {
    public struct S3Settings: Sendable, Equatable {
        /// e.g. http://127.0.0.1:9000 for MinIO; nil means AWS (virtual-hosted `bucket.s3.region.amazonaws.com`).
        public var endpoint: URL?
        public var region: String
        public var credentials: SigV4Signer.Credentials?

        public init(endpoint: URL? = nil, region: String = "us-east-1", credentials: SigV4Signer.Credentials? = nil) {
            self.endpoint = endpoint
            self.region = region
            self.credentials = credentials
        }

        /// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
        /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: the variables AWS SDKs read (and the operator mounts).
        public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> S3Settings {
            var settings = S3Settings()
            settings.endpoint = (environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]).flatMap(URL.init(string:))
            settings.region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
            if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] {
                settings.credentials = .init(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
            }
            return settings
        }
    }

    /// Credentials for http(s) sources, from the storage Secret rather than the URL (which shows in
    /// `kubectl describe`, logs and Git).
    public struct HTTPSettings: Sendable, Equatable {
        /// The whole `Authorization` header value ("Bearer ...", "Basic ...").
        public var authorization: String?

        public init(authorization: String? = nil) { self.authorization = authorization }

        /// MODELSHIP_HTTP_AUTHORIZATION (a header value), else MODELSHIP_HTTP_BEARER_TOKEN, else
        /// MODELSHIP_HTTP_USERNAME with MODELSHIP_HTTP_PASSWORD (Basic).
        public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> HTTPSettings {
            if let header = environment["MODELSHIP_HTTP_AUTHORIZATION"], !header.isEmpty { return .init(authorization: header) }
            if let token = environment["MODELSHIP_HTTP_BEARER_TOKEN"], !token.isEmpty { return .init(authorization: "Bearer \(token)") }
            if let user = environment["MODELSHIP_HTTP_USERNAME"] {
                return .init(authorization: basic(user: user, password: environment["MODELSHIP_HTTP_PASSWORD"] ?? ""))
            }
            return .init()
        }

        static func basic(user: String, password: String) -> String {
            "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
    }

    public var cacheDirectory: String
    public var s3: S3Settings
    public var http: HTTPSettings
    public var httpClient: HTTPClient
    public var logger: Logger

    public init(cacheDirectory: String, s3: S3Settings, http: HTTPSettings = .init(), httpClient: HTTPClient = .shared, logger: Logger) {
        self.cacheDirectory = cacheDirectory
        self.s3 = s3
        self.http = http
        self.httpClient = httpClient
        self.logger = logger
    }

    /// A local path holding the model at `uri`, verified against `sha256` (hex) when given.
    public func fetch(_ uri: String, sha256: String? = nil) async throws(ModelStoreError) -> String {
        switch try ModelLocation(uri) {
        case .file(let path):
            let file = try Self.resolveLocal(path)
            if let sha256 { try Self.verify(file: file, sha256: sha256) }
            return file
        case .http(let url):
            return try await cached(uri: uri, sha256: sha256) { (destination) async throws(ModelStoreError) in
                try await download(httpRequest(url), to: destination, describe: URIRedaction.redacted(uri))
            }
        case .s3(let bucket, let key):
            return try await cached(uri: uri, sha256: sha256) { (destination) async throws(ModelStoreError) in
                try await download(s3Request(bucket: bucket, key: key), to: destination, describe: URIRedaction.redacted(uri))
            }
        }
    }

    /// A directory means a KServe-style model directory holding `model.onnx`.
    static func resolveLocal(_ path: String) throws(ModelStoreError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound("model file \(path) does not exist")
        }
        guard isDirectory.boolValue else { return path }
        let inside = (path as NSString).appendingPathComponent("model.onnx")
        guard FileManager.default.fileExists(atPath: inside) else { throw .notFound("directory \(path) holds no model.onnx") }
        return inside
    }

    private func cached(
        uri: String, sha256: String?, fetch: (String) async throws(ModelStoreError) -> Void
    ) async throws(ModelStoreError) -> String {
        // The file name keeps the URI's last path segment for people, never its query or user part.
        let lastSegment = (URIRedaction.redacted(uri).prefix { $0 != "?" && $0 != "#" } as NSString).lastPathComponent
        let name = SigV4Signer.hex(SHA256.hash(data: Data(uri.utf8))).prefix(16) + "-" + lastSegment
        let destination = (cacheDirectory as NSString).appendingPathComponent(String(name))
        if FileManager.default.fileExists(atPath: destination) {
            if let sha256 { try Self.verify(file: destination, sha256: sha256) }
            logger.info("model found in cache", metadata: ["uri": "\(URIRedaction.redacted(uri))", "path": "\(destination)"])
            return destination
        }
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw .transfer("cannot create cache directory \(cacheDirectory): \(error.localizedDescription)")
        }
        let temporary = destination + ".partial-\(UUID().uuidString.prefix(8))"
        do throws(ModelStoreError) {
            try await fetch(temporary)
            if let sha256 { try Self.verify(file: temporary, sha256: sha256) }
            guard rename(temporary, destination) == 0 else { throw .transfer("cannot move the download into \(destination)") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        logger.info("model downloaded", metadata: ["uri": "\(URIRedaction.redacted(uri))", "path": "\(destination)"])
        return destination
    }

    /// A user part in the URL becomes Basic credentials and leaves the URL; otherwise the configured header applies.
    func httpRequest(_ url: URL) -> HTTPClientRequest {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var authorization = http.authorization
        if let user = components?.user {
            authorization = HTTPSettings.basic(user: user.removingPercentEncoding ?? user,
                                               password: components?.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
            components?.user = nil
            components?.password = nil
        }
        var request = HTTPClientRequest(url: components?.url?.absoluteString ?? url.absoluteString)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return request
    }

    private func s3Request(bucket: String, key: String) throws(ModelStoreError) -> HTTPClientRequest {
        let path: String, host: String, base: String
        if let endpoint = s3.endpoint {
            guard let endpointHost = endpoint.host else { throw .invalidURI("S3 endpoint \(endpoint) has no host") }
            host = endpoint.port.map { "\(endpointHost):\($0)" } ?? endpointHost
            path = SigV4Signer.encodePath("/\(bucket)/\(key)") // path-style, what MinIO and moto expect
            base = "\(endpoint.scheme ?? "https")://\(host)"
        } else {
            host = "\(bucket).s3.\(s3.region).amazonaws.com"
            path = SigV4Signer.encodePath("/\(key)")
            base = "https://\(host)"
        }
        var request = HTTPClientRequest(url: base + path)
        if let credentials = s3.credentials {
            let signer = SigV4Signer(credentials: credentials, region: s3.region)
            for (name, value) in signer.sign(host: host, path: path, date: Date()) { request.headers.add(name: name, value: value) }
        }
        return request
    }

    private func download(_ request: HTTPClientRequest, to path: String, describe: String) async throws(ModelStoreError) {
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .minutes(30))
        } catch {
            throw .transfer("fetching \(describe) failed: \(error)")
        }
        switch response.status.code {
        case 200..<300: break
        case 404: throw .notFound("\(describe) was not found (HTTP 404)")
        case 401, 403: throw .accessDenied("access to \(describe) was denied (HTTP \(response.status.code)); check the credentials")
        default: throw .transfer("fetching \(describe) failed with HTTP \(response.status.code)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .transfer("cannot write \(path)")
        }
        defer { try? handle.close() }
        do {
            for try await chunk in response.body {
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        } catch {
            throw .transfer("downloading \(describe) failed: \(error)")
        }
    }

    static func verify(file: String, sha256 expected: String) throws(ModelStoreError) {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw .notFound("cannot read \(file)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        let actual = SigV4Signer.hex(hasher.finalize())
        guard actual == expected.lowercased() else {
            throw ModelStoreError(kind: .checksumMismatch, message: "checksum mismatch for \(file): sha256 is \(actual), expected \(expected.lowercased())")
        }
    }
}
