import Foundation
import ModelshipShared

/// Where a model lives, parsed from `--model-uri`.
public enum ModelLocation: Sendable, Equatable {
    case file(path: String)
    case http(URL)
    case s3(bucket: String, key: String)

    public init(_ uri: String) throws(ModelStoreError) {
        if uri.hasPrefix("s3://") {
            let rest = uri.dropFirst("s3://".count)
            guard let slash = rest.firstIndex(of: "/"), rest.startIndex != slash, rest.index(after: slash) != rest.endIndex else {
                throw .invalidURI("'\(URIRedaction.redacted(uri))' is not s3://bucket/key")
            }
            self = .s3(bucket: String(rest[..<slash]), key: String(rest[rest.index(after: slash)...]))
        } else if uri.hasPrefix("http://") || uri.hasPrefix("https://") {
            guard let url = URL(string: uri), url.host != nil else { throw .invalidURI("'\(URIRedaction.redacted(uri))' is not a valid URL") }
            self = .http(url)
        } else if uri.hasPrefix("file://") {
            guard let url = URL(string: uri), url.isFileURL else { throw .invalidURI("'\(URIRedaction.redacted(uri))' is not a valid file URL") }
            self = .file(path: url.path)
        } else if uri.contains("://") {
            throw .invalidURI("unsupported scheme in '\(URIRedaction.redacted(uri))'; use file://, http(s):// or s3:// (or a plain path)")
        } else {
            guard !uri.isEmpty else { throw .invalidURI("the model URI is empty") }
            self = .file(path: uri)
        }
    }
}

public struct ModelStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case invalidURI, notFound, accessDenied, checksumMismatch, transfer }
    public var kind: Kind
    public var message: String
    public var description: String { message }

    static func invalidURI(_ message: String) -> ModelStoreError { .init(kind: .invalidURI, message: message) }
    static func notFound(_ message: String) -> ModelStoreError { .init(kind: .notFound, message: message) }
    static func accessDenied(_ message: String) -> ModelStoreError { .init(kind: .accessDenied, message: message) }
    static func transfer(_ message: String) -> ModelStoreError { .init(kind: .transfer, message: message) }
}
