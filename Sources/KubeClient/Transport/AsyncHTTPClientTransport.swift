import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// `HTTPTransport` over async-http-client, with TLS settings from the client configuration.
public final class AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient
    static let maxResponseSize = 256 * 1024 * 1024
    /// Open streams, cancelled on shutdown so it never waits for a watch to time out.
    private let streams = Mutex<[UInt64: Task<Void, Never>]>([:])
    private let nextStreamID = Mutex<UInt64>(0)

    /// With `tls-server-name`, requests name that host (so TLS sends it as SNI and verifies the certificate
    /// against it) while connecting to the server's real address, as kubectl does.
    let hostRewrite: (from: String, to: String)?

    public init(configuration: ClientConfiguration) throws(KubeError) {
        var http = HTTPClient.Configuration()
        http.tlsConfiguration = try Self.tls(for: configuration)
        if let name = configuration.tlsServerName, let host = configuration.server.host, name != host {
            http.dnsOverride = [name: host]
            hostRewrite = (host, name)
        } else {
            hostRewrite = nil
        }
        http.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        http.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    static func tls(for configuration: ClientConfiguration) throws(KubeError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            switch configuration.trust {
            case .system: break
            case .insecure: tls.certificateVerification = .none
            case .certificateAuthority(let pem):
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(pem))
            }
            if let certificate = configuration.clientCertificate {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate.certificatePEM).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: certificate.keyPEM, format: .pem))
            }
        } catch {
            throw .configuration("invalid TLS material: \(error)")
        }
        return tls
    }

    func makeRequest(_ request: TransportRequest) -> HTTPClientRequest {
        var url = request.url
        if let rewrite = hostRewrite, let range = url.range(of: "://" + rewrite.from) {
            url.replaceSubrange(range, with: "://" + rewrite.to)
        }
        var http = HTTPClientRequest(url: url)
        http.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        if let body = request.body { http.body = .bytes(ByteBuffer(bytes: body)) }
        return http
    }

    public func send(_ request: TransportRequest) async throws(KubeError) -> TransportResponse {
        do {
            let response = try await client.execute(makeRequest(request), timeout: .nanoseconds(request.timeout.nanoseconds))
            var body = try await response.body.collect(upTo: Self.maxResponseSize)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return TransportResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                     body: bytes)
        } catch {
            throw .transport(String(describing: error))
        }
    }

    /// The request runs inside the task that reads its body, so ending the stream (a consumer that stops
    /// iterating, or cancellation) cancels the request itself and frees the connection at once.
    public func stream(_ request: TransportRequest) async throws(KubeError) -> TransportStream {
        typealias Head = Result<(status: Int, headers: [(String, String)]), KubeError>
        let (heads, headContinuation) = AsyncStream<Head>.makeStream()
        let client = self.client
        let httpRequest = makeRequest(request)
        let timeout = TimeAmount.nanoseconds(request.timeout.nanoseconds)
        // Bounded: a consumer that falls this far behind gets an error and re-watches,
        // instead of the client buffering without limit.
        let chunks = AsyncThrowingStream<[UInt8], any Error>(bufferingPolicy: .bufferingOldest(64)) { continuation in
            let id = self.nextStreamID.withLock { value -> UInt64 in
                value += 1
                return value
            }
            let task = Task { [weak self] in
                defer { _ = self?.streams.withLock { $0.removeValue(forKey: id) } }
                do {
                    let response = try await client.execute(httpRequest, timeout: timeout)
                    headContinuation.yield(.success((Int(response.status.code), response.headers.map { ($0.name, $0.value) })))
                    headContinuation.finish()
                    for try await var buffer in response.body {
                        let result = continuation.yield(buffer.readBytes(length: buffer.readableBytes) ?? [])
                        if case .dropped = result {
                            continuation.finish(throwing: KubeError.transport("stream consumer fell behind; buffer full"))
                            return
                        }
                    }
                    continuation.finish()
                } catch {
                    headContinuation.yield(.failure(.transport(String(describing: error))))
                    headContinuation.finish()
                    continuation.finish(throwing: KubeError.transport(String(describing: error)))
                }
            }
            self.streams.withLock { $0[id] = task }
            continuation.onTermination = { _ in task.cancel() }
        }
        var head: Head = .failure(.transport("the request ended before a response"))
        for await first in heads {
            head = first
            break
        }
        switch head {
        case .success(let (status, headers)):
            return TransportStream(status: status, headers: headers, body: chunks)
        case .failure(let error):
            throw error
        }
    }

    public func shutdown() async {
        let open = streams.withLock { streams in
            defer { streams.removeAll() }
            return Array(streams.values)
        }
        for task in open { task.cancel() }
        for task in open { await task.value }
        try? await client.shutdown()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
