import Foundation
import KubeClient

/// The parts of an HTTP request the API handler needs, independent of the HTTP framework.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, path: String, rawQuery: String?, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = Self.parseQuery(rawQuery)
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Go's url.ParseQuery rules: '+' is a space, then percent-decoding.
    static func parseQuery(_ raw: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (raw ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            guard let name = parts.first else { continue }
            result[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    func jsonBody() throws(APIError) -> JSONValue {
        if let type = header("content-type"), !type.isEmpty, !type.contains("json"), !type.contains("yaml") {
            throw APIError(code: 415, reason: "UnsupportedMediaType",
                           message: "the body of the request was in an unknown format - accepted media types include: application/json")
        }
        guard !body.isEmpty else { throw APIError.badRequest("the request body is empty") }
        do { return try JSONValue.decode(body) } catch {
            throw APIError.badRequest("the body of the request could not be decoded as JSON: \(error)")
        }
    }

    var labelSelector: LabelSelector? {
        get throws(APIError) {
            guard let text = query["labelSelector"], !text.isEmpty else { return nil }
            do { return try LabelSelector(parsing: text) } catch { throw APIError.badRequest("unable to parse requirement: \(error)") }
        }
    }

    var fieldSelector: FieldSelector? {
        get throws(APIError) {
            guard let text = query["fieldSelector"], !text.isEmpty else { return nil }
            do { return try FieldSelector(parsing: text) } catch { throw APIError.badRequest("invalid field selector: \(error)") }
        }
    }

    var isDryRun: Bool { query["dryRun"] == "All" }

    static let applyPatchType = "application/apply-patch+yaml"

    /// The Content-Type without parameters.
    var mediaType: String {
        (header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    /// The manager of a non-apply write: `fieldManager`, else the User-Agent up to its first '/', printable
    /// characters only, at most 128 bytes, else "unknown" (kube-apiserver's rule).
    var fieldManager: String {
        if let manager = query["fieldManager"], !manager.isEmpty { return manager }
        let agent = (header("user-agent") ?? "").split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let printable = String(String.UnicodeScalarView(agent.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        var name = printable
        while name.utf8.count > 128 { name.removeLast() }
        return name.isEmpty ? "unknown" : name
    }

    /// An apply body: YAML, of which JSON is a subset.
    func applyBody() throws(APIError) -> JSONValue {
        guard !body.isEmpty else { throw APIError.badRequest("error decoding patch: the request body is empty") }
        if let json = try? JSONValue.decode(body) { return json }
        let documents: [JSONValue]
        do { documents = try YAMLDocuments.parse(String(decoding: body, as: UTF8.self)) } catch {
            throw APIError.badRequest("error decoding patch: \(error)")
        }
        guard documents.count == 1, let document = documents.first else {
            throw APIError.badRequest("error decoding patch: expected one YAML document, found \(documents.count)")
        }
        return document
    }
}

/// The handler's answer, independent of the HTTP framework.
struct APIResponse: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [(String, String)] = []
    var watch: WatchResponse?
    /// A body written as it comes (followed logs); the connection closes after it.
    var stream: AsyncStream<[UInt8]>?

    static func json(_ body: JSONValue, status: Int = 200) -> APIResponse { APIResponse(status: status, body: body) }

    /// Adds `Warning` headers (RFC 7234 code 299), which kubectl prints.
    func warning(_ messages: [String]) -> APIResponse {
        var response = self
        for message in messages {
            response.headers.append(("Warning", "299 - \"\(message.replacingOccurrences(of: "\"", with: "\\\""))\""))
        }
        return response
    }

    static func error(_ error: APIError) -> APIResponse {
        var response = APIResponse(status: error.code, body: try? JSONValue(encoding: error.status))
        if let retry = error.retryAfterSeconds { response.headers.append(("Retry-After", String(retry))) }
        return response
    }
}

/// A streamed watch answer: newline-delimited JSON events until the timeout, with periodic bookmarks.
struct WatchResponse: Sendable {
    var handle: WatchHandle
    var timeout: Duration
    var bookmarkInterval: Duration?
    var encode: @Sendable (WatchMessage) -> [UInt8]?
    /// Bytes written before any message (the ERROR event of an expired resourceVersion).
    var prelude: [UInt8]?
}
