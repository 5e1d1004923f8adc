import NIOCore

/// The Open Inference Protocol v2 and KServe v1 endpoints, independent of the HTTP framework.
public struct InferenceAPI: Sendable {
    public static let serverName = "modelship-server"
    public static let serverVersion = "0.1.0"

    public let host: ModelHost
    public let maxRequestBytes: Int

    public init(host: ModelHost, maxRequestBytes: Int) {
        self.host = host
        self.maxRequestBytes = maxRequestBytes
    }

    // MARK: health and metadata

    public func serverMetadata() -> APIResponse {
        .json { json in
            json.raw("{"); json.key("name"); json.string(Self.serverName)
            json.raw(","); json.key("version"); json.string(Self.serverVersion)
            json.raw(","); json.key("extensions"); json.raw("[\"binary_tensor_data\"]}")
        }
    }

    public func live() -> APIResponse {
        .json { $0.raw("{\"live\":true}") }
    }

    public func ready() -> APIResponse {
        let ready = host.isReady
        return .json(status: ready ? 200 : 503) { $0.raw(ready ? "{\"ready\":true}" : "{\"ready\":false}") }
    }

    public func modelReady(name: String, version: String?) -> APIResponse {
        if let problem = unknownModel(name, version) { return .error(problem) }
        let ready = host.isReady
        return .json(status: ready ? 200 : 503) { json in
            json.raw("{"); json.key("name"); json.string(name)
            json.raw(","); json.key("ready"); json.bool(ready); json.raw("}")
        }
    }

    public func modelMetadata(name: String, version: String?) -> APIResponse {
        if let problem = unknownModel(name, version) { return .error(problem) }
        guard let metadata = host.runner?.backend.metadata else {
            return .error(InferenceError(.unavailable, "model '\(name)' is not loaded yet"))
        }
        return .json { json in
            json.raw("{"); json.key("name"); json.string(name)
            json.raw(","); json.key("versions"); json.raw("["); json.string(host.version); json.raw("]")
            json.raw(","); json.key("platform"); json.string(metadata.platform)
            json.raw(","); json.key("inputs"); Self.write(metadata.inputs, to: &json)
            json.raw(","); json.key("outputs"); Self.write(metadata.outputs, to: &json)
            json.raw("}")
        }
    }

    private static func write(_ specs: [ModelMetadata.TensorSpec], to json: inout JSONWriter) {
        json.raw("[")
        for (index, spec) in specs.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{"); json.key("name"); json.string(spec.name)
            json.raw(","); json.key("datatype"); json.string(spec.dataType.rawValue)
            json.raw(","); json.key("shape"); OIPResponseEncoder.writeShape(spec.shape, to: &json)
            json.raw("}")
        }
        json.raw("]")
    }

    func unknownModel(_ name: String, _ version: String?) -> InferenceError? {
        guard name == host.name else {
            return InferenceError(.notFound, "unknown model '\(name)'; this server serves '\(host.name)'")
        }
        if let version, version != host.version {
            return InferenceError(.notFound, "unknown version '\(version)' of model '\(name)'; this server serves version '\(host.version)'")
        }
        return nil
    }
}
