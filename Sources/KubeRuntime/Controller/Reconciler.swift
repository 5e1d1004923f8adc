import KubeClient

/// What to do after a reconcile that succeeded.
public enum ReconcileAction: Sendable, Equatable {
    /// Reconcile again after this long even if nothing changes (waiting for time to pass).
    case requeue(after: Duration)
    /// Reconcile again only when the object or something it owns changes.
    case awaitChange
}

/// An error that retrying cannot fix (invalid spec, a child the API server refuses, missing permissions):
/// logged with its cause and counted, not requeued; the next change of the object, or a resync, tries again.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The error underneath, kept for logs and for callers that inspect it (as controller-runtime's TerminalError wraps one).
    public var cause: (any Error & Sendable)?
    public init(_ message: String, cause: (any Error & Sendable)? = nil) {
        self.message = message
        self.cause = cause
    }
    public var description: String { message }
}

/// The level-triggered reconcile contract: given only which object, make the world match its spec.
/// The reason for the call is deliberately not passed; the object comes from the context's store
/// (nil when it has been deleted).
public protocol Reconciler<Resource>: Sendable {
    associatedtype Resource: KubeResource
    func reconcile(_ ref: ObjectRef, context: ReconcileContext<Resource>) async throws -> ReconcileAction
}

/// What a reconcile may read: the primary store and the stores of watched kinds.
public struct ReconcileContext<R: KubeResource>: Sendable {
    public let store: Store<R>
    let caches: CacheSet

    /// The cache of an owned or watched kind, registered with `owns` or `watches`.
    public func cache<C: KubeResource>(_ type: C.Type) -> Store<C>? { caches.store(C.self, of: C.resourceType) }

    /// The cache of a kind known only at run time (an `Api<DynamicObject>` given to `owns` or `watches`).
    public func cache(of resourceType: ResourceType) -> Store<DynamicObject>? { caches.store(DynamicObject.self, of: resourceType) }
}

/// The stores of the kinds a controller watches, by the resource they hold (group, version, kind), not by Swift
/// type: two kinds read as `DynamicObject` (an HTTPRoute and a VirtualService) each have their own.
struct CacheSet: Sendable {
    private var stores: [ResourceType: any Sendable] = [:]

    mutating func register<C: KubeResource>(_ store: Store<C>, as resourceType: ResourceType) { stores[resourceType] = store }
    func store<C: KubeResource>(_ type: C.Type, of resourceType: ResourceType) -> Store<C>? { stores[resourceType] as? Store<C> }
}
