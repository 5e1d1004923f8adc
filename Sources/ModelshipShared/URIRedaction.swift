import Foundation

/// Model URIs may carry secrets: a password in the user part, a signature or token in the query
/// (presigned URLs). Whatever shows a URI to people (status, Events, logs, error and termination
/// messages) shows it through `redacted`, which keeps scheme, host and path, so on-call can still
/// tell which model is meant.
public enum URIRedaction {
    public static let mask = "REDACTED"

    /// `https://user:secret@host/m.onnx?sig=abc` becomes `https://REDACTED@host/m.onnx?sig=REDACTED`.
    public static func redacted(_ uri: String) -> String {
        guard let schemeEnd = uri.range(of: "://") else { return uri }
        let scheme = uri[..<schemeEnd.upperBound]
        var rest = Substring(uri[schemeEnd.upperBound...])
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[hash...])
            rest = rest[..<hash]
        }
        var query: Substring?
        if let question = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = "\(mask)@" + authority[authority.index(after: at)...] }
        var result = scheme + authority + rest[authorityEnd...]
        if let query {
            let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter in
                guard let equals = parameter.firstIndex(of: "=") else { return String(parameter) }
                return parameter[...equals] + mask
            }
            result += "?" + parameters.joined(separator: "&")
        }
        return result + fragment
    }

    /// Whether the URI holds a credential: a user part, or a query parameter that presigned URLs sign
    /// with (S3, GCS, Azure SAS, CloudFront) or that carries a token.
    public static func credentials(in uri: String) -> String? {
        guard let schemeEnd = uri.range(of: "://") else { return nil }
        let rest = uri[schemeEnd.upperBound...]
        let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
        if beforeQuery.prefix(while: { $0 != "/" }).contains("@") { return "a user name or password" }
        guard let question = rest.firstIndex(of: "?") else { return nil }
        let names = rest[rest.index(after: question)...].prefix { $0 != "#" }.split(separator: "&").map {
            String($0.prefix { $0 != "=" }).lowercased()
        }
        if let signed = names.first(where: signingParameters.contains) { return "a signature or token (\(signed))" }
        return nil
    }

    static let signingParameters: Set<String> = [
        "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential",
        "sig", "signature", "token", "access_token", "api_key", "apikey", "key-pair-id", "policy",
    ]
}
