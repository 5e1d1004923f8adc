import Foundation
import NIOCore
import Prometheus

/// The inference endpoints, in two steps so the HTTP layer can tell the batcher a request is coming
/// before its body is read: `begin` checks the head and announces it; the returned `InferenceCall`
/// then takes the body (or is abandoned) and answers through a callback, with no task per request.
extension InferenceAPI {
    public struct RequestHead: Sendable {
        public var contentType: String?
        public var contentLength: Int?
        /// The binary tensor data extension's `Inference-Header-Content-Length`.
        public var jsonLength: String?

        public init(contentType: String?, contentLength: Int?, jsonLength: String?) {
            self.contentType = contentType
            self.contentLength = contentLength
            self.jsonLength = jsonLength
        }
    }

    public enum Endpoint: Sendable, Equatable {
        case inferV2(version: String?)
        case predictV1

        var servingProtocol: ModelMetrics.ServingProtocol {
            switch self {
            case .inferV2: .v2
            case .predictV1: .v1
            }
        }
    }

    public enum Admission: Sendable {
        case accepted(InferenceCall)
        case refused(APIResponse)
    }

    /// Checks the model, its readiness and the head; once accepted, the batcher expects the request.
    public func begin(_ endpoint: Endpoint, model name: String, head: RequestHead) -> Admission {
        let version: String? = if case .inferV2(let version) = endpoint { version } else { nil }
        if let problem = unknownModel(name, version) { return .refused(.error(problem)) } // no series for unknown models
        let call = InferenceCall(endpoint: endpoint, model: name, host: host, started: .now)
        guard let runner = host.runner else {
            return .refused(call.finish(.error(InferenceError(.unavailable, "model '\(name)' is not ready yet"))))
        }
        if let type = head.contentType, !Self.isJSON(type) {
            return .refused(call.finish(.error(InferenceError(.unsupportedMediaType, "Content-Type '\(type)' is not supported; send application/json"))))
        }
        if let length = head.contentLength, length > maxRequestBytes {
            return .refused(call.finish(.error(Self.tooLarge(maxRequestBytes))))
        }
        call.runner = runner
        call.head = head
        runner.announce()
        host.metrics.inflight.increment()
        return .accepted(call)
    }

    /// tritonclient sends no Content-Type: a missing one is JSON. Binary requests are
    /// `application/octet-stream` with `Inference-Header-Content-Length`.
    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }
        let base = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return base == "application/json" || base == "application/octet-stream" || base.isEmpty
    }

    public static func tooLarge(_ limit: Int) -> InferenceError {
        InferenceError(.payloadTooLarge, "request body is larger than the limit of \(limit) bytes (--max-request-bytes)")
    }
}

/// One announced inference request, from its head to its response. Used by one connection at a time.
public final class InferenceCall: @unchecked Sendable {
    let endpoint: InferenceAPI.Endpoint
    let model: String
    let host: ModelHost
    let started: ContinuousClock.Instant
    fileprivate(set) var runner: ModelRunner<ContinuousClock>?
    fileprivate(set) var head = InferenceAPI.RequestHead(contentType: nil, contentLength: nil, jsonLength: nil)

    fileprivate init(endpoint: InferenceAPI.Endpoint, model: String, host: ModelHost, started: ContinuousClock.Instant) {
        self.endpoint = endpoint
        self.model = model
        self.host = host
        self.started = started
    }

    /// Decodes, validates and queues the request; `respond` is called once, on any thread.
    public func run(body: ByteBuffer, respond: @escaping @Sendable (APIResponse) -> Void) {
        guard let runner else { return }
        let request: InferenceRequest
        do throws(InferenceError) {
            let metadata = runner.backend.metadata
            request = try RequestValidator.validate(try decode(body, metadata), against: metadata)
        } catch {
            runner.withdraw()
            respond(finished(.error(error)))
            return
        }
        runner.submit(request) { result in
            switch result {
            case .success(let outputs): respond(self.finished(self.encode(request, outputs)))
            case .failure(let error): respond(self.finished(.error(error)))
            }
        }
    }

    /// The body could not be read (too large, connection gone): the batcher stops waiting for it.
    public func abandon(_ response: APIResponse) -> APIResponse {
        runner?.withdraw()
        return finished(response)
    }

    private func decode(_ body: ByteBuffer, _ metadata: ModelMetadata) throws(InferenceError) -> InferenceRequest {
        switch endpoint {
        case .inferV2:
            let jsonLength = try head.jsonLength.map { (text) throws(InferenceError) -> Int in
                guard let length = Int(text) else { throw .bad("Inference-Header-Content-Length '\(text)' is not a number") }
                return length
            }
            return try OIPRequestDecoder.decode(body, jsonLength: jsonLength)
        case .predictV1:
            return try KServeV1.decode(body, metadata: metadata)
        }
    }

    private func encode(_ request: InferenceRequest, _ outputs: [Tensor]) -> APIResponse {
        switch endpoint {
        case .predictV1:
            return APIResponse(body: KServeV1.encode(outputs))
        case .inferV2:
            let response = InferenceResponse(id: request.id, outputs: Self.select(outputs, request.outputs))
            let binaryDefault = request.parameters["binary_data_output"]?.boolValue ?? false
            let encoded = OIPResponseEncoder.encode(model: model, version: host.version, response: response,
                                                    requested: request.outputs, binaryByDefault: binaryDefault)
            guard let jsonLength = encoded.jsonLength else { return APIResponse(body: encoded.body) }
            return APIResponse(headers: [("Content-Type", "application/octet-stream"),
                                         ("Inference-Header-Content-Length", String(jsonLength))], body: encoded.body)
        }
    }

    private func finished(_ response: APIResponse) -> APIResponse {
        host.metrics.inflight.decrement()
        return finish(response)
    }

    /// Records the request's outcome; every answered request passes here once.
    fileprivate func finish(_ response: APIResponse) -> APIResponse {
        host.metrics.observe(protocol: endpoint.servingProtocol, code: response.status, duration: ContinuousClock.now - started)
        return response
    }

    /// The outputs the request named, in its order; all of them when it named none.
    static func select(_ outputs: [Tensor], _ requested: [RequestedOutput]) -> [Tensor] {
        guard !requested.isEmpty else { return outputs }
        return requested.compactMap { wanted in outputs.first { $0.name == wanted.name } }
    }
}
