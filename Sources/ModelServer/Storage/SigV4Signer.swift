import Crypto
import Foundation

/// AWS Signature Version 4 for S3 GET requests (header-based, unsigned query). Works with AWS S3 and
/// S3-compatible servers (MinIO, moto). Pure: the time is a parameter.
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable, Equatable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public var credentials: Credentials
    public var region: String
    public var service = "s3"

    public init(credentials: Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    /// The headers to add to a GET of `path` (already URI-encoded) on `host`: x-amz-date,
    /// x-amz-content-sha256, the session token if any, and Authorization. `extraHeaders` are signed too.
    public func sign(host: String, path: String, query: String = "", extraHeaders: [String: String] = [:], date: Date) -> [String: String] {
        let emptyPayloadHash = Self.hex(SHA256.hash(data: Data()))
        let amzDate = Self.timestamp(date, format: "yyyyMMdd'T'HHmmss'Z'")
        let day = String(amzDate.prefix(8))
        var headers = extraHeaders.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value.trimmingCharacters(in: .whitespaces) }
        headers["host"] = host
        headers["x-amz-date"] = amzDate
        headers["x-amz-content-sha256"] = emptyPayloadHash
        if let token = credentials.sessionToken { headers["x-amz-security-token"] = token }

        let names = headers.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = ["GET", path, query, names.map { "\($0):\(headers[$0]!)\n" }.joined(), signedHeaders, emptyPayloadHash]
            .joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        headers["authorization"] = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.removeValue(forKey: "host") // the HTTP client sets it
        return headers
    }

    /// S3's URI encoding of an object key: everything but unreserved characters and '/' is %-encoded.
    public static func encodePath(_ key: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        return key.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }

    static func hex<D: Sequence<UInt8>>(_ digest: D) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    private static func timestamp(_ date: Date, format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }
}
