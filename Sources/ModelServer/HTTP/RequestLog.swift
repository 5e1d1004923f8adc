import Logging
import NIOCore
import NIOHTTP1

/// What the server logs about requests. Each failed request is one line with what the client was told
/// (5xx are errors, the caller's 4xx are information); at debug level every request is also logged when
/// admitted (in flight), answered or abandoned: an access log, off by default. Never a payload, and
/// echoed client text is escaped and shortened, so no request can break a line or flood the log.
struct RequestLog {
    let logger: Logger

    func accepted(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        logger.debug("request accepted", metadata: metadata(head, context: context))
    }

    func abandoned(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        logger.debug("request abandoned", metadata: metadata(head, context: context))
    }

    func answered(_ response: APIResponse, to head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard response.status >= 400 else {
            logger.debug("request answered", metadata: metadata(head, context: context).merging(["status": "\(response.status)"]) { $1 })
            return
        }
        var failure = metadata(head, context: context)
        failure["status"] = "\(response.status)"
        failure["error"] = "\(Self.loggable(response.errorMessage ?? ""))"
        logger.log(level: response.status >= 500 ? .error : .info, "request failed", metadata: failure)
    }

    private func metadata(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Logger.Metadata {
        ["method": "\(Self.loggable(head.method.rawValue))", "path": "\(Self.loggable(head.uri))",
         "client": "\(context.channel.remoteAddress.map { "\($0)" } ?? "-")"]
    }

    static func loggable(_ text: String, limit: Int = 512) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += scalar.escaped(asASCII: true)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > limit ? result + "…" : result
    }
}
