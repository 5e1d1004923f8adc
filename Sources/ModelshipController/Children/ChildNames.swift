import KubeClient
import ModelshipAPI

/// Names and labels of everything the operator creates for a ModelDeployment (ARCHITECTURE section 4).
public struct ChildNames: Sendable {
    public let owner: String
    public init(_ owner: String) { self.owner = owner }

    /// The stable Deployment, its Service, HPA and PDB.
    public var stable: String { "\(owner)-stable" }
    /// The entry Service clients call.
    public var entry: String { owner }

    public static let managedBy = "modelship"
    public static let serverName = "modelship-server"

    /// Labels that select the stable pods; immutable once a Deployment exists.
    public func selector(role: String = "stable") -> [String: String] {
        ["app.kubernetes.io/instance": owner, "modelship.dev/role": role]
    }

    /// Labels every server pod of this ModelDeployment carries, whatever its role.
    public var podsOfEveryRole: [String: String] {
        ["app.kubernetes.io/instance": owner, "app.kubernetes.io/managed-by": Self.managedBy]
    }

    /// Labels on every child.
    public func labels(role: String = "stable") -> [String: String] {
        selector(role: role).merging([
            "app.kubernetes.io/name": Self.serverName,
            "app.kubernetes.io/managed-by": Self.managedBy,
        ]) { current, _ in current }
    }

    /// The selector that finds the operator's children when watching.
    public static var managedSelector: LabelSelector { LabelSelector([.equals("app.kubernetes.io/managed-by", managedBy)]) }
}
