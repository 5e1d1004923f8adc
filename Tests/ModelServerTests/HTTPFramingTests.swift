import NIOCore
import NIOHTTP1
import Testing
@testable import ModelServer

@Suite struct HTTPFramingTests {
    @Test func requestFieldsAreFoundWhateverTheirCase() {
        let fields = RequestFields(HTTPHeaders([
            ("Host", "h"), ("CONTENT-LENGTH", "42"), ("content-Type", "application/octet-stream"),
            ("Inference-Header-Content-Length", "17"), ("Expect", "100-Continue"),
        ]))
        #expect(fields.contentLength == 42)
        #expect(fields.contentType == "application/octet-stream")
        #expect(fields.jsonLength == "17")
        #expect(fields.expectsContinue)
        let none = RequestFields(HTTPHeaders([("Content-Lengthy", "1"), ("Expect", "nothing")]))
        #expect(none.contentLength == nil && none.contentType == nil && none.jsonLength == nil && !none.expectsContinue)
    }

    @Test func responsesCarryStatusHeadersLengthAndConnection() {
        let body = ByteBuffer(string: "{\"ok\":true}")
        var response = APIResponse(status: 429, headers: [("Content-Type", "application/json"), ("Retry-After", "1")], body: body)
        let framed = ResponseFraming.frame(response, version: .http1_1, connection: .close, allocator: ByteBufferAllocator())
        #expect(String(buffer: framed.head) == "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            + "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}")
        #expect(framed.separateBody == nil)
        response.status = 200
        response.headers = []
        let kept = ResponseFraming.frame(response, version: .http1_0, connection: .keepAlive, allocator: ByteBufferAllocator())
        #expect(String(buffer: kept.head) == "HTTP/1.0 200 OK\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}")
        response.body = ByteBuffer(repeating: UInt8(ascii: "x"), count: ResponseFraming.inlineBodyLimit + 1)
        let large = ResponseFraming.frame(response, version: .http1_1, connection: nil, allocator: ByteBufferAllocator())
        #expect(String(buffer: large.head) == "HTTP/1.1 200 OK\r\nContent-Length: \(ResponseFraming.inlineBodyLimit + 1)\r\n\r\n")
        #expect(large.separateBody?.readableBytes == ResponseFraming.inlineBodyLimit + 1)
    }

    @Test func loggedClientTextStaysOnOneShortLine() {
        #expect(RequestLog.loggable("unknown datatype 'a\nb\u{7}'") == "unknown datatype 'a\\nb\\u{07}'")
        let long = RequestLog.loggable(String(repeating: "x", count: 10_000))
        #expect(long.count == 513 && long.hasSuffix("…"))
        #expect(RequestLog.loggable("ünïcode ok") == "ünïcode ok")
    }
}

