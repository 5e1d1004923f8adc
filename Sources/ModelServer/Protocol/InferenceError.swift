/// Every failure a request can meet, with the HTTP status it maps to. Messages name the problem
/// (the input, the field, the expected value) because they go back to the caller verbatim.
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest          // 400: malformed body, wrong shape, datatype or inputs
        case notFound            // 404: unknown model or version
        case payloadTooLarge     // 413: body over --max-request-bytes
        case unsupportedMediaType // 415: a present, non-JSON Content-Type
        case overloaded          // 503 + Retry-After: the batch queue is full
        case unavailable         // 503: model not ready (loading or failed)
        case internalError       // 500: the backend failed on a valid request
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public var httpStatus: Int {
        switch kind {
        case .badRequest: 400
        case .notFound: 404
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .overloaded, .unavailable: 503
        case .internalError: 500
        }
    }

    static func bad(_ message: String) -> InferenceError { InferenceError(.badRequest, message) }
}
