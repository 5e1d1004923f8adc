import NIOCore
import NIOHTTP1

/// HTTP/1.1 response bytes, written by hand: status line, headers, `Content-Length`, body. The server
/// sends whole responses only, so one buffer (and one `writev`) per response replaces NIO's response
/// encoder, header validator and their per-part pipeline traversals.
enum ResponseFraming {
    /// Bodies up to this size are copied behind the head into one buffer; larger ones are sent as a
    /// second buffer of the same write, without a copy.
    static let inlineBodyLimit = 16 * 1024

    /// The bytes of `response`: the head with the body behind it, or, for a large body, the head alone and
    /// the body as a second buffer. `connection` is the `Connection` header to send, if any.
    static func frame(
        _ response: APIResponse, version: HTTPVersion, connection: ConnectionHeader?, allocator: ByteBufferAllocator
    ) -> (head: ByteBuffer, separateBody: ByteBuffer?) {
        let bodyBytes = response.body.readableBytes
        let inline = bodyBytes <= inlineBodyLimit
        var buffer = allocator.buffer(capacity: 160 + (inline ? bodyBytes : 0))
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        writeStatus(response.status, to: &buffer)
        for (name, value) in response.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Content-Length: ")
        buffer.writeString(String(bodyBytes))
        buffer.writeStaticString("\r\n")
        switch connection {
        case .close?: buffer.writeStaticString("Connection: close\r\n")
        case .keepAlive?: buffer.writeStaticString("Connection: keep-alive\r\n")
        case nil: break
        }
        buffer.writeStaticString("\r\n")
        guard inline else { return (buffer, response.body) }
        var body = response.body
        buffer.writeBuffer(&body)
        return (buffer, nil)
    }

    /// `100 Continue`, for clients that wait for it before sending a body.
    static func continueHead(version: HTTPVersion) -> StaticString {
        version.minor == 0 ? "HTTP/1.0 100 Continue\r\n\r\n" : "HTTP/1.1 100 Continue\r\n\r\n"
    }

    enum ConnectionHeader {
        case close
        /// HTTP/1.0 closes unless told otherwise, so a kept-alive 1.0 connection says so.
        case keepAlive
    }

    private static func writeStatus(_ status: Int, to buffer: inout ByteBuffer) {
        switch status {
        case 200: buffer.writeStaticString("200 OK\r\n")
        case 400: buffer.writeStaticString("400 Bad Request\r\n")
        case 404: buffer.writeStaticString("404 Not Found\r\n")
        case 503: buffer.writeStaticString("503 Service Unavailable\r\n")
        default:
            buffer.writeString(String(status))
            buffer.writeStaticString(" ")
            buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
            buffer.writeStaticString("\r\n")
        }
    }
}
