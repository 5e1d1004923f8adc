import KubeClient
import ModelshipShared

/// One problem with a ModelDeployment spec that the CRD schema cannot express.
public struct SpecProblem: Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

/// Semantic validation: what the schema cannot check. The reconciler reports problems in the `Ready`
/// condition (reason `InvalidSpec`) and a Warning Event, and touches no children while any remain.
public enum SpecValidation {
    /// Longest name whose children (`<name>-stable`) are still valid Service names.
    public static let maxNameLength = 56

    public static func problems(of deployment: ModelDeployment, defaultImage: String?) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        let spec = deployment.spec
        problems += name(deployment.metadata.name ?? "")
        problems += modelURI(spec.model)
        if let scaling = spec.scaling {
            if scaling.replicas != nil && scaling.autoscaling != nil {
                problems.append(.init("spec.scaling", "set either replicas or autoscaling, not both"))
            }
            if let autoscaling = scaling.autoscaling, (autoscaling.minReplicas ?? 1) > autoscaling.maxReplicas {
                problems.append(.init("spec.scaling.autoscaling.minReplicas",
                                      "minReplicas (\(autoscaling.minReplicas ?? 1)) is greater than maxReplicas (\(autoscaling.maxReplicas))"))
            }
        }
        let server = spec.server ?? ServerSpec()
        if (server.image ?? defaultImage ?? "").isEmpty {
            problems.append(.init("spec.server.image", "no image given and the operator has no --default-server-image"))
        }
        if let gpu = server.gpu {
            let resource = gpu.resourceName ?? "nvidia.com/gpu"
            if server.resources?.limits?[resource] != nil || server.resources?.requests?[resource] != nil {
                problems.append(.init("spec.server.resources", "\(resource) is set by spec.server.gpu; do not set it in resources too"))
            }
        }
        if let delay = server.batching?.maxDelay, BatchDelay.parse(delay) == nil {
            problems.append(.init("spec.server.batching.maxDelay", "'\(delay)' is not a duration such as 5ms, 250us or 1s"))
        }
        for (index, variable) in (server.env ?? []).enumerated() where variable.name.hasPrefix("MODELSHIP_") {
            problems.append(.init("spec.server.env[\(index)].name", "\(variable.name): MODELSHIP_ variables are set by the operator"))
        }
        return problems
    }

    static func name(_ name: String) -> [SpecProblem] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard name.count <= maxNameLength, name.first?.isLetter == true, name.last.map({ $0.isLetter || $0.isNumber }) == true,
            name.allSatisfy(allowed.contains)
        else {
            return [.init("metadata.name", "must be a DNS-1035 label (lower-case letters, digits, '-', starting with a letter) "
                            + "of at most \(maxNameLength) characters, so that '<name>-stable' is a valid Service name")]
        }
        return []
    }

    static func modelURI(_ model: ModelSource) -> [SpecProblem] {
        let uri = model.uri
        // A URI in spec lives in Git, in `kubectl describe` and in pod env: no place for a credential.
        if let credential = URIRedaction.credentials(in: uri) {
            return [.init("spec.model.uri", "\(URIRedaction.redacted(uri)) carries \(credential); put credentials in the Secret named "
                          + "by spec.model.storageSecretRef instead (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3://; "
                          + "MODELSHIP_HTTP_AUTHORIZATION, MODELSHIP_HTTP_BEARER_TOKEN, or MODELSHIP_HTTP_USERNAME and "
                          + "MODELSHIP_HTTP_PASSWORD for http(s)://)")]
        }
        if uri.hasPrefix("pvc://") {
            let parts = uri.dropFirst("pvc://".count).split(separator: "/", maxSplits: 1)
            if parts.count < 2 || parts[1].isEmpty {
                return [.init("spec.model.uri", "a pvc:// URI names a claim and a path inside it: pvc://<claim>/<path>")]
            }
        }
        if uri.hasPrefix("s3://") {
            let parts = uri.dropFirst("s3://".count).split(separator: "/", maxSplits: 1)
            if parts.count < 2 || parts[1].isEmpty {
                return [.init("spec.model.uri", "an s3:// URI names a bucket and a key: s3://<bucket>/<key>")]
            }
        }
        return []
    }
}
