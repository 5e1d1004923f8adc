/// Settings of the operator that shape what it creates.
public struct OperatorConfiguration: Sendable {
    /// The modelship-server image used when a ModelDeployment names none.
    public var defaultServerImage: String?
    /// The cluster DNS domain, for the endpoint URL in status.
    public var clusterDomain = "cluster.local"
    /// Recorded as the source of Events.
    public var component = "modelship-operator"

    public init(defaultServerImage: String? = "ghcr.io/modelship/modelship-server:0.1.0") {
        self.defaultServerImage = defaultServerImage
    }
}
