import NIOHTTP1

/// The request headers the server acts on, found in one pass over the head.
struct RequestFields {
    var contentType: String?
    var contentLength: Int?
    /// The binary tensor data extension's `Inference-Header-Content-Length`.
    var jsonLength: String?
    var expectsContinue = false

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            if Self.equalsIgnoringCase(name, "content-length") {
                contentLength = Int(value)
            } else if Self.equalsIgnoringCase(name, "content-type") {
                contentType = value
            } else if Self.equalsIgnoringCase(name, "inference-header-content-length") {
                jsonLength = value
            } else if Self.equalsIgnoringCase(name, "expect") {
                expectsContinue = Self.equalsIgnoringCase(value, "100-continue")
            }
        }
    }

    /// ASCII case-insensitive equality with a lower-case `expected`, without allocating.
    static func equalsIgnoringCase(_ text: String, _ expected: StaticString) -> Bool {
        guard text.utf8.count == expected.utf8CodeUnitCount else { return false }
        var expectedBytes = expected.utf8Start
        for byte in text.utf8 {
            let lower = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
            guard lower == expectedBytes.pointee else { return false }
            expectedBytes += 1
        }
        return true
    }
}
