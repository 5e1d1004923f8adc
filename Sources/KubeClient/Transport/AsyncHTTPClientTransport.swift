import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// `HTTPTransport` over async-http-client, with TLS settings from the client configuration.
public final class AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient
    static let maxResponseSize = 256 * 1024 * 1024

    public init(configuration: ClientConfiguration) throws(KubeError) {
        var http = HTTPClient.Configuration()
        http.tlsConfiguration = try Self.tls(for: configuration)
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
            if configuration.tlsServerName != nil, configuration.trust != .insecure {
                // The chain is still verified against the CA; the name check is relaxed because
                // async-http-client cannot verify against a name other than the URL's host.
                tls.certificateVerification = .noHostnameVerification
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
        var http = HTTPClientRequest(url: request.url)
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

    public func stream(_ request: TransportRequest) async throws(KubeError) -> TransportStream {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(makeRequest(request), timeout: .nanoseconds(request.timeout.nanoseconds))
        } catch {
            throw .transport(String(describing: error))
        }
        let body = response.body
        // Bounded: a consumer that falls this far behind gets an error and re-watches,
        // instead of the client buffering without limit.
        let chunks = AsyncThrowingStream<[UInt8], any Error>(bufferingPolicy: .bufferingOldest(64)) { continuation in
            let task = Task {
                do {
                    for try await var buffer in body {
                        let result = continuation.yield(buffer.readBytes(length: buffer.readableBytes) ?? [])
                        if case .dropped = result {
                            continuation.finish(throwing: KubeError.transport("stream consumer fell behind; buffer full"))
                            return
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: KubeError.transport(String(describing: error)))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return TransportStream(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                               body: chunks)
    }

    public func shutdown() async {
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
