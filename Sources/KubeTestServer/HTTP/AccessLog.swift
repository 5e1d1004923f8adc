import KubeClient
import Synchronization

/// Which client used which verb on which resource, as an RBAC authorizer would be asked: lets a test hold
/// a component's real requests against the Roles it ships with (`/__admin/access`).
public final class AccessLog: Sendable {
    public struct Access: Hashable, Sendable, Codable {
        public var userAgent: String
        public var verb: String
        public var group: String
        /// "deployments", or "modeldeployments/status" for a subresource.
        public var resource: String
        /// nil for cluster-scoped requests and requests across all namespaces.
        public var namespace: String?
    }

    private let accesses = Mutex(Set<Access>())

    public init() {}

    func record(_ access: Access) { _ = accesses.withLock { $0.insert(access) } }
    public func all() -> Set<Access> { accesses.withLock { $0 } }
    public func clear() { accesses.withLock { $0.removeAll() } }
}
