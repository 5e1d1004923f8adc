import NIOCore

/// A response as the protocol layer produces it, before the HTTP framework sends it.
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: ByteBuffer
    /// What went wrong, for the log line of a failed request (the body says the same to the client).
    public var errorMessage: String?

    public init(status: Int = 200, headers: [(String, String)] = [("Content-Type", "application/json")], body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `{"error": "..."}` with the error's status; 503s say when to come back.
    public static func error(_ error: InferenceError) -> APIResponse {
        var json = JSONWriter(capacity: error.message.utf8.count + 16)
        json.raw("{"); json.key("error"); json.string(error.message); json.raw("}")
        var headers = [("Content-Type", "application/json")]
        if error.kind == .overloaded || error.kind == .unavailable { headers.append(("Retry-After", "1")) }
        var response = APIResponse(status: error.httpStatus, headers: headers, body: json.buffer)
        response.errorMessage = error.message
        return response
    }

    static func json(status: Int = 200, _ write: (inout JSONWriter) -> Void) -> APIResponse {
        var json = JSONWriter()
        write(&json)
        return APIResponse(status: status, body: json.buffer)
    }
}
