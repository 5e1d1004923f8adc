/// Every way a Kubernetes API call can fail, decoded from the server's `Status` where there is one.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    case notFound(APIStatus)
    case alreadyExists(APIStatus)
    case conflict(APIStatus)
    /// 410: the requested resourceVersion is too old (watch must relist).
    case gone(APIStatus)
    /// 422 with field causes.
    case invalid(APIStatus)
    case badRequest(APIStatus)
    case unauthorized(APIStatus)
    case forbidden(APIStatus)
    case tooManyRequests(APIStatus, retryAfter: Duration?)
    /// 5xx and any other unexpected status code.
    case server(APIStatus)
    /// The request never got an HTTP answer (connection refused, TLS failure, timeout).
    case transport(String)
    /// The answer could not be decoded into the expected type.
    case decoding(String)
    /// Client configuration is unusable (kubeconfig, credentials, certificates).
    case configuration(String)

    /// Maps an HTTP status and its `Status` body onto the matching case.
    public static func from(code: Int, status: APIStatus, retryAfter: Duration? = nil) -> KubeError {
        switch code {
        case 400: .badRequest(status)
        case 401: .unauthorized(status)
        case 403: .forbidden(status)
        case 404: .notFound(status)
        case 409 where status.reason == "AlreadyExists": .alreadyExists(status)
        case 409: .conflict(status)
        case 410: .gone(status)
        case 422: .invalid(status)
        case 429: .tooManyRequests(status, retryAfter: retryAfter)
        default: .server(status)
        }
    }

    public var status: APIStatus? {
        switch self {
        case .notFound(let s), .alreadyExists(let s), .conflict(let s), .gone(let s), .invalid(let s), .badRequest(let s),
            .unauthorized(let s), .forbidden(let s), .server(let s), .tooManyRequests(let s, _):
            s
        case .transport, .decoding, .configuration: nil
        }
    }

    public var code: Int? { status?.code }

    public var isNotFound: Bool { if case .notFound = self { true } else { false } }
    public var isConflict: Bool { if case .conflict = self { true } else { false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { true } else { false } }
    public var isGone: Bool { if case .gone = self { true } else { false } }

    /// Field causes of an `Invalid` error.
    public var causes: [APIStatus.Cause] { status?.details?.causes ?? [] }

    public var description: String {
        switch self {
        case .transport(let message): "transport error: \(message)"
        case .decoding(let message): "decoding error: \(message)"
        case .configuration(let message): "configuration error: \(message)"
        default:
            "\(status?.reason ?? "Error") (\(status?.code ?? 0)): \(status?.message ?? "")"
        }
    }
}
