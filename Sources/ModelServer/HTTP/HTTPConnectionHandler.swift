import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection. Requests are read whole (up to the body limit), routed, and answered;
/// inference requests are handed to the batcher and answered from its callback. No task or actor
/// per request: this path is what the latency and throughput figures measure.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, Route, InferenceCall?, ByteBuffer)
        case rejected(HTTPRequestHead) // answered early (e.g. 413); the rest of the body is dropped
        case waiting                    // the response is being computed
    }

    private let api: InferenceAPI
    private let endpoints: PlainEndpoints
    private var state = State.idle

    init(api: InferenceAPI, endpoints: PlainEndpoints) {
        self.api = api
        self.endpoints = endpoints
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): received(head, context: context)
        case .body(var chunk): received(&chunk, context: context)
        case .end: ended(context: context)
        }
    }

    /// A client that leaves mid-request must not leave the batcher waiting for a body that never comes.
    func channelInactive(context: ChannelHandlerContext) {
        if case .reading(_, _, let call?, _) = state {
            _ = call.abandon(.error(InferenceError(.badRequest, "the client closed the connection before sending the whole request")))
        }
        state = .idle
        context.fireChannelInactive()
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let route: Route
        switch Route.match(method: head.method.rawValue, uri: head.uri) {
        case .success(let matched): route = matched
        case .failure(.notFound):
            return reject(head, InferenceError(.notFound, "no such endpoint: \(head.method.rawValue) \(head.uri)"), context: context)
        case .failure(.methodNotAllowed(let allowed)):
            var response = APIResponse.error(InferenceError(.badRequest, "\(head.uri) answers \(allowed), not \(head.method.rawValue)"))
            response.status = 405
            response.headers.append(("Allow", allowed))
            return reject(head, response, context: context)
        }
        var call: InferenceCall?
        if let (endpoint, model) = route.inference {
            let requestHead = InferenceAPI.RequestHead(
                contentType: head.headers.first(name: "content-type"), contentLength: head.headers.first(name: "content-length").flatMap(Int.init),
                jsonLength: head.headers.first(name: "inference-header-content-length"))
            switch api.begin(endpoint, model: model, head: requestHead) {
            case .accepted(let started): call = started
            case .refused(let response): return reject(head, response, context: context)
            }
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        }
        let capacity = min(contentLength(head) ?? 0, api.maxRequestBytes)
        state = .reading(head, route, call, context.channel.allocator.buffer(capacity: capacity))
    }

    private func received(_ chunk: inout ByteBuffer, context: ChannelHandlerContext) {
        guard case .reading(let head, let route, let call, var body) = state else { return }
        state = .waiting // drop the buffer's second reference before writing into it
        guard body.readableBytes + chunk.readableBytes <= api.maxRequestBytes else {
            let response = APIResponse.error(InferenceAPI.tooLarge(api.maxRequestBytes))
            state = .rejected(head)
            write(call?.abandon(response) ?? response, for: head, context: context, close: true)
            return
        }
        if body.readableBytes == 0, chunk.readableBytes == contentLength(head) {
            body = chunk // the whole body in one read: keep NIO's buffer instead of copying it
        } else {
            body.writeBuffer(&chunk)
        }
        state = .reading(head, route, call, body)
    }

    private func ended(context: ChannelHandlerContext) {
        switch state {
        case .rejected, .idle, .waiting:
            state = .idle
        case .reading(let head, let route, let call, let body):
            state = .waiting
            if let call {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                call.run(body: body) { response in
                    bound.eventLoop.execute {
                        let (handler, context) = bound.value
                        handler.finish(response, for: head, context: context)
                    }
                }
            } else {
                finish(endpoints.respond(to: route), for: head, context: context)
            }
        }
    }

    private func contentLength(_ head: HTTPRequestHead) -> Int? {
        head.headers.first(name: "content-length").flatMap(Int.init)
    }

    private func reject(_ head: HTTPRequestHead, _ error: InferenceError, context: ChannelHandlerContext) {
        reject(head, .error(error), context: context)
    }

    private func reject(_ head: HTTPRequestHead, _ response: APIResponse, context: ChannelHandlerContext) {
        state = .rejected(head)
        write(response, for: head, context: context, close: !head.isKeepAlive)
    }

    private func finish(_ response: APIResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        state = .idle
        write(response, for: head, context: context, close: !head.isKeepAlive)
    }

    private func write(_ response: APIResponse, for head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool) {
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
        if close { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

extension Route {
    /// The inference endpoint and model of an inference route.
    var inference: (InferenceAPI.Endpoint, String)? {
        switch self {
        case .inferV2(let name, let version): (.inferV2(version: version), name)
        case .predictV1(let name): (.predictV1, name)
        default: nil
        }
    }
}
