import Logging
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection. Requests are read whole (up to the body limit), routed, and answered in
/// order; inference requests are handed to the batcher and answered from its callback. No task or
/// actor per request: this path is what the latency and throughput figures measure.
///
/// It does the work of NIO's pipelining, protocol-error and response-encoding handlers itself, at no
/// cost while a client waits for each answer (the usual case): requests pipelined behind one being
/// answered wait in `backlog`, and only then is reading paused. Responses go out as one buffer.
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case reading(HTTPRequestHead, Route, InferenceCall?, ByteBuffer, expectedLength: Int?)
        case rejected(HTTPRequestHead) // answered early (e.g. 413); the rest of the body is dropped
        case waiting(HTTPRequestHead)  // the response is being computed
        case closing                   // the last response is out (Connection: close); the rest is dropped
    }

    /// What arrived behind the request being answered, in order.
    private enum Pipelined {
        case part(HTTPServerRequestPart)
        case malformed(any Error)
    }

    private let api: InferenceAPI
    private let endpoints: PlainEndpoints
    private let log: RequestLog
    private var state = State.idle
    private var backlog = CircularBuffer<Pipelined>()
    private var draining = false
    private var readHeld = false
    private var quiescing = false
    /// The last request line's route: clients repeat the same URI on a connection.
    private var lastRoute: (method: HTTPMethod, uri: String, route: Route)?

    init(api: InferenceAPI, endpoints: PlainEndpoints, logger: Logger) {
        self.api = api
        self.endpoints = endpoints
        self.log = RequestLog(logger: logger)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .closing: return
        case .waiting: backlog.append(.part(part))
        case .idle, .reading, .rejected:
            if backlog.isEmpty { handle(part, context: context) } else { backlog.append(.part(part)) }
        }
    }

    /// Reading pauses only while pipelined requests wait, so their number stays bounded.
    func read(context: ChannelHandlerContext) {
        if backlog.isEmpty { context.read() } else { readHeld = true }
    }

    /// A client that leaves mid-request must not leave the batcher waiting for a body that never comes.
    func channelInactive(context: ChannelHandlerContext) {
        abandonReading(context: context)
        context.fireChannelInactive()
    }

    private func abandonReading(context: ChannelHandlerContext) {
        if case .reading(let head, _, let call?, _, _) = state {
            _ = call.abandon(.error(InferenceError(.badRequest, "the client closed the connection before sending the whole request")))
            log.abandoned(head, context: context)
        }
        state = .closing
        backlog.removeAll()
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its current response.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        quiescing = true
        if case .idle = state, backlog.isEmpty {
            state = .closing
            context.close(promise: nil)
        }
    }

    /// A request the parser cannot read gets a 400 in its turn, then the connection closes: the byte
    /// stream has no trustworthy request boundary after it. Other errors mean the connection is gone.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            abandonReading(context: context) // e.g. a reset mid-body: the batcher must not wait for it
            context.close(promise: nil)
            return
        }
        // The parser also reports a request cut short by the client leaving: nobody to answer.
        guard context.channel.isActive else { return abandonReading(context: context) }
        switch state {
        case .closing: return
        case .waiting: backlog.append(.malformed(error))
        case .idle, .reading, .rejected:
            if backlog.isEmpty { malformed(error, context: context) } else { backlog.append(.malformed(error)) }
        }
    }

    // MARK: requests

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): received(head, context: context)
        case .body(var chunk): received(&chunk, context: context)
        case .end: ended(context: context)
        }
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let route: Route
        switch match(head) {
        case .success(let matched): route = matched
        case .failure(.notFound):
            return reject(head, .error(InferenceError(.notFound, "no such endpoint: \(head.method.rawValue) \(head.uri)")), context: context)
        case .failure(.methodNotAllowed(let allowed)):
            var response = APIResponse.error(InferenceError(.badRequest, "\(head.uri) answers \(allowed), not \(head.method.rawValue)"))
            response.status = 405
            response.headers.append(("Allow", allowed))
            return reject(head, response, context: context)
        }
        let fields = RequestFields(head.headers)
        var call: InferenceCall?
        if let (endpoint, model) = route.inference {
            let requestHead = InferenceAPI.RequestHead(
                contentType: fields.contentType, contentLength: fields.contentLength, jsonLength: fields.jsonLength)
            switch api.begin(endpoint, model: model, head: requestHead) {
            case .accepted(let started):
                call = started
                log.accepted(head, context: context)
            case .refused(let response): return reject(head, response, context: context)
            }
            if fields.expectsContinue {
                var interim = context.channel.allocator.buffer(capacity: 32)
                interim.writeStaticString(ResponseFraming.continueHead(version: head.version))
                context.writeAndFlush(wrapOutboundOut(interim), promise: nil)
            }
        }
        let capacity = min(fields.contentLength ?? 0, api.maxRequestBytes)
        state = .reading(head, route, call, context.channel.allocator.buffer(capacity: capacity), expectedLength: fields.contentLength)
    }

    private func match(_ head: HTTPRequestHead) -> Result<Route, Route.Miss> {
        if let last = lastRoute, last.method == head.method, last.uri == head.uri { return .success(last.route) }
        let matched = Route.match(method: head.method.rawValue, uri: head.uri)
        if case .success(let route) = matched { lastRoute = (head.method, head.uri, route) }
        return matched
    }

    private func received(_ chunk: inout ByteBuffer, context: ChannelHandlerContext) {
        guard case .reading(let head, let route, let call, var body, let expectedLength) = state else { return }
        state = .idle // drop the buffer's second reference before writing into it
        guard body.readableBytes + chunk.readableBytes <= api.maxRequestBytes else {
            let response = APIResponse.error(InferenceAPI.tooLarge(api.maxRequestBytes))
            state = .rejected(head)
            respond(call?.abandon(response) ?? response, to: head, context: context, close: true)
            return
        }
        if body.readableBytes == 0, chunk.readableBytes == expectedLength {
            body = chunk // the whole body in one read: keep NIO's buffer instead of copying it
        } else {
            body.writeBuffer(&chunk)
        }
        state = .reading(head, route, call, body, expectedLength: expectedLength)
    }

    private func ended(context: ChannelHandlerContext) {
        switch state {
        case .idle, .waiting, .closing:
            return
        case .rejected:
            becameIdle(context: context)
        case .reading(let head, let route, let call, let body, _):
            state = .waiting(head)
            guard let call else { return finish(endpoints.respond(to: route), context: context) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            call.run(body: body) { response in
                // With ONNX Runtime on the event loop the answer comes on it: no hop, no task.
                if bound.eventLoop.inEventLoop {
                    let (handler, context) = bound.value
                    handler.finish(response, context: context)
                } else {
                    bound.eventLoop.execute {
                        let (handler, context) = bound.value
                        handler.finish(response, context: context)
                    }
                }
            }
        }
    }

    // MARK: responses

    private func reject(_ head: HTTPRequestHead, _ response: APIResponse, context: ChannelHandlerContext) {
        state = .rejected(head)
        respond(response, to: head, context: context, close: !head.isKeepAlive || quiescing)
    }

    private func finish(_ response: APIResponse, context: ChannelHandlerContext) {
        guard case .waiting(let head) = state else { return } // the connection went away meanwhile
        let close = !head.isKeepAlive || quiescing
        respond(response, to: head, context: context, close: close)
        if !close { becameIdle(context: context) }
    }

    private func malformed(_ error: any Error, context: ChannelHandlerContext) {
        if case .reading(_, _, let call?, _, _) = state {
            _ = call.abandon(.error(InferenceError(.badRequest, "malformed HTTP request")))
        }
        let response = APIResponse.error(InferenceError(.badRequest, "malformed HTTP request: \(error)"))
        let unparsed = HTTPRequestHead(version: .http1_1, method: .RAW(value: "-"), uri: "-")
        respond(response, to: unparsed, context: context, close: true)
    }

    private func respond(_ response: APIResponse, to head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool) {
        log.answered(response, to: head, context: context)
        let connection: ResponseFraming.ConnectionHeader? =
            close ? .close : (head.version.minor == 0 ? .keepAlive : nil)
        let framed = ResponseFraming.frame(response, version: head.version, connection: connection, allocator: context.channel.allocator)
        let written = close ? context.eventLoop.makePromise(of: Void.self) : nil
        if let body = framed.separateBody {
            context.write(wrapOutboundOut(framed.head), promise: nil)
            context.writeAndFlush(wrapOutboundOut(body), promise: written)
        } else {
            context.writeAndFlush(wrapOutboundOut(framed.head), promise: written)
        }
        guard let written else { return }
        state = .closing
        backlog.removeAll()
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// The previous request is answered: serve what was pipelined behind it, then read again.
    private func becameIdle(context: ChannelHandlerContext) {
        state = .idle
        if quiescing, backlog.isEmpty {
            state = .closing
            context.close(promise: nil)
            return
        }
        guard !draining else { return } // a drain further up the stack continues
        draining = true
        defer { draining = false }
        while let next = backlog.first {
            if case .waiting = state { break }
            if case .closing = state { break }
            backlog.removeFirst()
            switch next {
            case .part(let part): handle(part, context: context)
            case .malformed(let error): malformed(error, context: context)
            }
        }
        if readHeld, backlog.isEmpty {
            readHeld = false
            context.read()
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
