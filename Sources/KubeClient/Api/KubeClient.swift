import Foundation
import Logging
import Metrics

/// The HTTP side of the Kubernetes API: authentication, rate limiting, retries, errors, metrics.
///
/// Typed access goes through `Api<R>`; this type is for raw paths (discovery, subresources).
public final class KubeClient: Sendable {
    public let configuration: ClientConfiguration
    let transport: any HTTPTransport
    let limiter: RateLimiter<ContinuousClock>
    let logger: Logger
    let retryPolicy: RetryPolicy

    public init(configuration: ClientConfiguration, transport: (any HTTPTransport)? = nil,
                logger: Logger = Logger(label: "modelship.kubeclient")) throws(KubeError) {
        self.configuration = configuration
        if let transport {
            self.transport = transport
        } else {
            self.transport = try AsyncHTTPClientTransport(configuration: configuration)
        }
        self.limiter = RateLimiter(qps: configuration.qps, burst: configuration.burst, clock: ContinuousClock())
        self.logger = logger
        self.retryPolicy = RetryPolicy(maxRetries: configuration.maxRetries)
    }

    /// Closes connections; call once when done.
    public func shutdown() async { await transport.shutdown() }

    /// A namespaced or cluster-wide API for a typed resource.
    public func api<R: KubeResource>(_ type: R.Type, namespace: String? = nil) -> Api<R> {
        Api(client: self, namespace: namespace)
    }

    public func url(path: String, query: [URLQueryItem] = []) -> String {
        var components = URLComponents()
        components.percentEncodedPath = path
        if !query.isEmpty { components.queryItems = query }
        let base = configuration.server.absoluteString.hasSuffix("/")
            ? String(configuration.server.absoluteString.dropLast()) : configuration.server.absoluteString
        // '+' is literal in query values for URLComponents but means space to servers.
        return base + (components.string ?? path).replacingOccurrences(of: "+", with: "%2B")
    }

    /// Sends one request and returns the body of a 2xx answer; anything else is a typed error.
    public func send(_ method: String, path: String, query: [URLQueryItem] = [], body: Data? = nil,
                     contentType: String = "application/json", accept: String = "application/json") async throws(KubeError) -> Data
    {
        let request = try await prepare(method, path: path, query: query, body: body, contentType: contentType, accept: accept,
                                        timeout: configuration.requestTimeout)
        var attempt = 0
        while true {
            let started = ContinuousClock.now
            let response: TransportResponse
            do {
                response = try await transport.send(request)
            } catch {
                record(method, code: "error", since: started)
                if retryPolicy.shouldRetry(method: method, status: nil, attempt: attempt) {
                    try await retryPolicy.wait(attempt: attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw error
            }
            record(method, code: String(response.status), since: started)
            if (200..<300).contains(response.status) { return Data(response.body) }
            let retryAfter = response.header("Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
            if retryPolicy.shouldRetry(method: method, status: response.status, attempt: attempt) {
                logger.debug("retrying", metadata: ["method": "\(method)", "path": "\(path)", "status": "\(response.status)"])
                try await retryPolicy.wait(attempt: attempt, retryAfter: retryAfter)
                attempt += 1
                continue
            }
            throw Self.error(status: response.status, body: response.body, retryAfter: retryAfter)
        }
    }

    /// Opens a streamed request (watch); non-2xx answers are read whole and thrown as typed errors.
    public func stream(_ method: String = "GET", path: String, query: [URLQueryItem] = [], timeout: Duration)
        async throws(KubeError) -> TransportStream
    {
        let request = try await prepare(method, path: path, query: query, body: nil, contentType: "application/json",
                                        accept: "application/json", timeout: timeout)
        let started = ContinuousClock.now
        let stream = try await transport.stream(request)
        record("WATCH", code: String(stream.status), since: started)
        guard (200..<300).contains(stream.status) else {
            var body: [UInt8] = []
            do {
                for try await chunk in stream.body where body.count < 1 << 20 { body += chunk }
            } catch {}
            let retryAfter = stream.headers.first { $0.0.lowercased() == "retry-after" }.flatMap { Int($0.1) }
            throw Self.error(status: stream.status, body: body, retryAfter: retryAfter.map { .seconds($0) })
        }
        return stream
    }

    func prepare(_ method: String, path: String, query: [URLQueryItem], body: Data?, contentType: String, accept: String,
                 timeout: Duration) async throws(KubeError) -> TransportRequest
    {
        do { try await limiter.acquire() } catch { throw .transport("cancelled while rate limited") }
        var headers = [("Accept", accept), ("User-Agent", configuration.userAgent)]
        if body != nil { headers.append(("Content-Type", contentType)) }
        if let authorization = try await configuration.credentials.authorization() {
            headers.append(("Authorization", authorization))
        }
        return TransportRequest(method: method, url: url(path: path, query: query), headers: headers,
                                body: body.map(Array.init), timeout: timeout)
    }

    static func error(status: Int, body: [UInt8], retryAfter: Duration?) -> KubeError {
        let decoded = try? JSONDecoder().decode(APIStatus.self, from: Data(body))
        var apiStatus = decoded ?? APIStatus(message: String(decoding: body.prefix(1024), as: UTF8.self),
                                             reason: HTTPStatusReason.reason(for: status), code: status)
        if apiStatus.code == nil { apiStatus.code = status }
        return KubeError.from(code: status, status: apiStatus, retryAfter: retryAfter)
    }

    func record(_ verb: String, code: String, since start: ContinuousClock.Instant) {
        Counter(label: "kube_client_requests_total", dimensions: [("verb", verb), ("code", code)]).increment()
        Metrics.Timer(label: "kube_client_request_duration_seconds", dimensions: [("verb", verb)],
                      preferredDisplayUnit: .seconds)
            .recordNanoseconds(start.duration(to: .now).nanoseconds)
    }
}

/// Which failures are retried and how long to wait: 429 for every verb (the server did nothing),
/// 5xx and transport errors only for safe verbs; `Retry-After` wins over the backoff.
struct RetryPolicy: Sendable {
    var maxRetries: Int
    var base: Duration = .milliseconds(100)
    var cap: Duration = .seconds(10)

    func shouldRetry(method: String, status: Int?, attempt: Int) -> Bool {
        guard attempt < maxRetries else { return false }
        let safe = method == "GET" || method == "HEAD"
        guard let status else { return safe }
        if status == 429 { return true }
        return safe && (500...504).contains(status) && status != 501
    }

    func wait(attempt: Int, retryAfter: Duration?) async throws(KubeError) {
        let backoff = min(cap, base * Int(1 << min(attempt, 16)))
        let delay = retryAfter.map { min($0, cap * 3) } ?? backoff * Double.random(in: 0.5...1.0)
        do { try await Task.sleep(for: delay) } catch { throw .transport("cancelled while waiting to retry") }
    }
}

enum HTTPStatusReason {
    static func reason(for code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "InternalError"
        }
    }
}
