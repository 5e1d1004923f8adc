import Foundation
import HTTPTypes
import Hummingbird
import KubeClient
import NIOCore

/// Translates between Hummingbird's request/response and the framework-free API handler.
enum HTTPBridge {
    static func respond(to request: Request, handler: APIHandler, maxBodySize: Int) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        // GET bodies are left unread: a watch needs the inbound stream to notice the client leaving.
        var body = ByteBuffer()
        if request.method != .get {
            do {
                body = try await request.body.collect(upTo: maxBodySize)
            } catch {
                return encode(.error(APIError(code: 413, reason: "RequestEntityTooLarge", message: "the request body is too large")), request: request)
            }
        }
        let apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query,
                                    headers: headers, body: Array(buffer: body))
        return encode(await handler.handle(apiRequest), request: request)
    }

    static func encode(_ response: APIResponse, request: Request) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        let status = HTTPResponse.Status(code: response.status)
        if let watch = response.watch {
            // The connection is closed when the watch ends (the inbound-close detection needs that);
            // say so, so that clients do not put it back in their pool.
            fields[.connection] = "close"
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                // End the watch as soon as the client goes away, rather than at its next write.
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await stream(watch, to: &writer)
                } onInboundClosed: {
                    watch.handle.cancel()
                }
            })
        }
        if let stream = response.stream {
            fields[.connection] = "close"
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                try await request.body.consumeWithInboundCloseHandler { _ in
                    for await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                    try await writer.finish(nil)
                } onInboundClosed: {}
            })
        }
        let bytes: [UInt8]
        if case .string(let text)? = response.body {
            fields[.contentType] = "text/plain; charset=utf-8"
            bytes = Array(text.utf8)
        } else {
            bytes = Array((response.body ?? .null).encoded())
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func stream(_ watch: WatchResponse, to writer: inout any ResponseBodyWriter) async throws {
        let handle = watch.handle
        let timer = Task {
            try await Task.sleep(for: watch.timeout)
            handle.cancel()
        }
        let bookmarks = Task {
            guard let interval = watch.bookmarkInterval else { return }
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                handle.bookmark()
            }
        }
        defer {
            timer.cancel()
            bookmarks.cancel()
            handle.cancel()
        }
        if let prelude = watch.prelude { try await writer.write(ByteBuffer(bytes: prelude)) }
        for await message in handle.messages {
            guard let line = watch.encode(message) else { continue }
            try await writer.write(ByteBuffer(bytes: line))
        }
        try await writer.finish(nil)
    }
}
