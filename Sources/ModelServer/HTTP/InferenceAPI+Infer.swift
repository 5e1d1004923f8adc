import Foundation
import NIOCore
import Prometheus

/// The inference endpoints. The body is read only after the model is known, and the batcher is told
/// a request is coming before reading starts, so a batch can wait for requests still arriving.
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

    public typealias BodyReader = @Sendable (_ limit: Int) async throws -> ByteBuffer

    /// `POST /v2/models/{name}[/versions/{version}]/infer`
    public func inferV2(name: String, version: String?, head: RequestHead, body: BodyReader) async -> APIResponse {
        await serve(.v2, name: name, version: version, head: head, body: body) { (buffer, metadata) throws(InferenceError) in
            let jsonLength = try head.jsonLength.map { (text) throws(InferenceError) -> Int in
                guard let length = Int(text) else { throw .bad("Inference-Header-Content-Length '\(text)' is not a number") }
                return length
            }
            return try OIPRequestDecoder.decode(buffer, jsonLength: jsonLength)
        } encode: { request, outputs in
            let response = InferenceResponse(id: request.id, outputs: Self.select(outputs, request.outputs))
            let binaryDefault = request.parameters["binary_data_output"]?.boolValue ?? false
            let encoded = OIPResponseEncoder.encode(model: name, version: host.version, response: response,
                                                    requested: request.outputs, binaryByDefault: binaryDefault)
            guard let jsonLength = encoded.jsonLength else { return APIResponse(body: encoded.body) }
            return APIResponse(headers: [("Content-Type", "application/octet-stream"),
                                         ("Inference-Header-Content-Length", String(jsonLength))], body: encoded.body)
        }
    }

    /// `POST /v1/models/{name}:predict`
    public func predictV1(name: String, head: RequestHead, body: BodyReader) async -> APIResponse {
        await serve(.v1, name: name, version: nil, head: head, body: body) { (buffer, metadata) throws(InferenceError) in
            try KServeV1.decode(buffer, metadata: metadata)
        } encode: { _, outputs in
            APIResponse(body: KServeV1.encode(outputs))
        }
    }

    private func serve(
        _ protocolName: ProtocolName, name: String, version: String?, head: RequestHead, body: BodyReader,
        decode: (ByteBuffer, ModelMetadata) throws(InferenceError) -> InferenceRequest,
        encode: (InferenceRequest, [Tensor]) -> APIResponse
    ) async -> APIResponse {
        let started = ContinuousClock.now
        host.metrics.inflight.increment()
        let response = await run(name: name, version: version, head: head, body: body, decode: decode, encode: encode)
        host.metrics.inflight.decrement()
        if response.status != 404 { // unknown models get no series of their own
            host.metrics.observe(protocol: protocolName.rawValue, code: response.status, duration: ContinuousClock.now - started)
        }
        return response
    }

    private func run(
        name: String, version: String?, head: RequestHead, body: BodyReader,
        decode: (ByteBuffer, ModelMetadata) throws(InferenceError) -> InferenceRequest,
        encode: (InferenceRequest, [Tensor]) -> APIResponse
    ) async -> APIResponse {
        if let problem = unknownModel(name, version) { return .error(problem) }
        guard let runner = host.runner else {
            return .error(InferenceError(.unavailable, "model '\(name)' is not ready yet"))
        }
        if let type = head.contentType, !Self.isJSON(type) {
            return .error(InferenceError(.unsupportedMediaType, "Content-Type '\(type)' is not supported; send application/json"))
        }
        if let length = head.contentLength, length > maxRequestBytes {
            return .error(Self.tooLarge(maxRequestBytes))
        }
        runner.announce()
        let request: InferenceRequest
        do throws(InferenceError) {
            let buffer: ByteBuffer
            do { buffer = try await body(maxRequestBytes) } catch { throw Self.tooLarge(maxRequestBytes) }
            request = try RequestValidator.validate(try decode(buffer, runner.backend.metadata), against: runner.backend.metadata)
        } catch {
            runner.withdraw()
            return .error(error)
        }
        do throws(InferenceError) {
            let outputs = try await runner.infer(request)
            return encode(request, outputs)
        } catch {
            return .error(error)
        }
    }

    /// tritonclient sends no Content-Type: a missing one is JSON. Binary requests are
    /// `application/octet-stream` with `Inference-Header-Content-Length`.
    static func isJSON(_ contentType: String) -> Bool {
        let base = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return base == "application/json" || base == "application/octet-stream" || base.isEmpty
    }

    static func tooLarge(_ limit: Int) -> InferenceError {
        InferenceError(.payloadTooLarge, "request body is larger than the limit of \(limit) bytes (--max-request-bytes)")
    }

    /// The outputs the request named, in its order; all of them when it named none.
    static func select(_ outputs: [Tensor], _ requested: [RequestedOutput]) -> [Tensor] {
        guard !requested.isEmpty else { return outputs }
        return requested.compactMap { wanted in outputs.first { $0.name == wanted.name } }
    }
}
