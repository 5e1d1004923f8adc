import Foundation

/// One HTTP request as KubeClient builds it.
public struct TransportRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Deadline for the whole exchange (for streams: until the first byte of the body).
    public var timeout: Duration

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, timeout: Duration) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// A streamed response: the head at once, the body chunk by chunk.
public struct TransportStream: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public init(status: Int, headers: [(String, String)], body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The one seam under KubeClient: real HTTP in production, anything in tests.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws(KubeError) -> TransportResponse
    func stream(_ request: TransportRequest) async throws(KubeError) -> TransportStream
    func shutdown() async
}
