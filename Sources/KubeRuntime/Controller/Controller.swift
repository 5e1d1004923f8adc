import KubeClient
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs a `Reconciler` for one kind: `Controller(for: api, reconciler:).owns(childApi).watches(otherApi, map:)`.
///
/// Events on the primary kind enqueue that object; events on owned kinds enqueue the owner named by
/// their controller reference; `watches` maps any other kind to the objects it affects. A `Service`:
/// graceful shutdown stops watching, lets running reconciles finish, then returns.
public final class Controller<R: KubeResource, C: Clock>: ServiceLifecycle.Service, Sendable where C.Duration == Duration {
    public struct Configuration: Sendable {
        public var name: String
        /// Reconciles running at once (never two for the same object).
        public var concurrency = 4
        /// Every object is reconciled again this often even without events (controller-runtime's SyncPeriod).
        public var resyncInterval: Duration?
        public var backoff = WorkQueue<ObjectRef, C>.Backoff()
        /// Called after every reconcile (for tests and diagnostics).
        public var onReconcile: (@Sendable (ObjectRef) -> Void)?
        /// Whether cached objects keep the server's JSON (`raw`) beside their typed fields. A reconciler that
        /// reads caches only through typed fields turns this off and saves about half of the cache's memory.
        public var cacheKeepsRawJSON = true
        /// Which updates of the primary kind enqueue it; owned and watched kinds always do.
        public var primaryUpdates = PrimaryUpdates.all
        public init(name: String) { self.name = name }
    }

    public let store: Store<R>
    public let queue: WorkQueue<ObjectRef, C>
    let reconciler: any Reconciler<R>
    let primary: Reflector<R>
    let configuration: Configuration
    let clock: C
    let logger: Logger
    let metrics: ControllerMetrics
    private let sources = Mutex<[@Sendable (WorkQueue<ObjectRef, C>) async -> Void]>([])
    /// Waits for each watched kind's first list.
    private let syncChecks = Mutex<[@Sendable () async -> Void]>([])
    private let syncedFlags = Mutex<[@Sendable () -> Bool]>([])
    private let caches = Mutex(CacheSet())

    public init(for api: Api<R>, reconciler: some Reconciler<R>, configuration: Configuration, clock: C,
                labelSelector: LabelSelector? = nil, logger: Logger = Logger(label: "modelship.controller"),
                metricsFactory: (any MetricsFactory)? = nil) {
        self.store = Store(keepsRaw: configuration.cacheKeepsRawJSON)
        self.primary = Reflector(watcher: Watcher(api: api, labelSelector: labelSelector, logger: logger), store: store)
        self.reconciler = reconciler
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.queue = WorkQueue(name: configuration.name, clock: clock, backoff: configuration.backoff, metricsFactory: metricsFactory)
        self.metrics = ControllerMetrics(controller: configuration.name, factory: metricsFactory)
    }

    /// Watches a kind this controller creates; changes enqueue the controlling owner of kind `R`.
    @discardableResult
    public func owns<Child: KubeResource>(_ api: Api<Child>, labelSelector: LabelSelector? = nil) -> Self {
        let ownerType = R.resourceType
        return watches(api, labelSelector: labelSelector) { (child: Child) in
            guard let owner = child.metadata.controllerReference, owner.kind == ownerType.kind,
                owner.apiVersion.split(separator: "/").first.map(String.init) == (ownerType.group.isEmpty ? ownerType.version : ownerType.group)
            else { return [] }
            return [ObjectRef(namespace: ownerType.namespaced ? child.metadata.namespace : nil, name: owner.name)]
        }
    }

    /// Watches any kind; `map` names the primary objects a change affects.
    @discardableResult
    public func watches<Other: KubeResource>(_ api: Api<Other>, labelSelector: LabelSelector? = nil,
                                             map: @escaping @Sendable (Other) -> [ObjectRef]) -> Self {
        let reflector = Reflector(watcher: Watcher(api: api, labelSelector: labelSelector, logger: logger),
                                  store: Store(keepsRaw: configuration.cacheKeepsRawJSON))
        let store = reflector.store
        caches.withLock { $0.register(store, as: api.resourceType) }
        syncChecks.withLock { $0.append { await store.waitUntilSynced() } }
        syncedFlags.withLock { $0.append { store.hasSynced } }
        sources.withLock {
            $0.append { queue in
                await reflector.run { objects in
                    for object in objects {
                        for ref in map(object) { await queue.add(ref) }
                    }
                }
            }
        }
        return self
    }

    /// True once the primary kind and every watched kind have been listed.
    public var hasSynced: Bool { store.hasSynced && syncedFlags.withLock { $0 }.allSatisfy { $0() } }

    public func run() async throws {
        let sources = self.sources.withLock { $0 }
        let queue = self.queue
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await withTaskGroup(of: Void.self) { watchers in
                        let skipsUpdate = self.configuration.primaryUpdates.skipsUpdate(of: R.self)
                        watchers.addTask {
                            await self.primary.run(skipsUpdate: skipsUpdate) { objects in
                                for object in objects { await queue.add(ObjectRef(object)) }
                            }
                        }
                        for source in sources { watchers.addTask { await source(queue) } }
                        if let interval = self.configuration.resyncInterval {
                            watchers.addTask { await self.resync(every: interval) }
                        }
                    }
                }
            }
            for _ in 0..<max(1, configuration.concurrency) {
                group.addTask { await self.work() }
            }
            group.addTask {
                try? await gracefulShutdown()
                await queue.shutdown()
            }
        }
    }

    func resync(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.advanced(by: interval), tolerance: nil) } catch { return }
            for ref in store.keys { await queue.add(ref) }
        }
    }

    /// Workers start only once every cache is filled, so no reconcile acts on a partial view
    /// (which would, for example, create a child that exists but is not cached yet).
    func work() async {
        await store.waitUntilSynced()
        for check in syncChecks.withLock({ $0 }) { await check() }
        let context = ReconcileContext(store: store, caches: caches.withLock { $0 })
        while let ref = await queue.next() {
            await reconcileOne(ref, context: context)
            await queue.done(ref)
            configuration.onReconcile?(ref)
        }
    }

    func reconcileOne(_ ref: ObjectRef, context: ReconcileContext<R>) async {
        let started = ContinuousClock.now
        do {
            let action = try await reconciler.reconcile(ref, context: context)
            await queue.forget(ref)
            if case .requeue(let after) = action { await queue.add(ref, after: after) }
            metrics.record(result: "success", since: started)
        } catch let error as TerminalError {
            await queue.forget(ref)
            metrics.record(result: "terminal_error", since: started)
            var metadata: Logger.Metadata = ["object": "\(ref)", "error": "\(error)"]
            if let cause = error.cause { metadata["cause"] = "\(String(reflecting: type(of: cause)))" }
            logger.error("reconcile failed permanently", metadata: metadata)
        } catch {
            await queue.addRateLimited(ref)
            metrics.record(result: "error", since: started)
            logger.warning("reconcile failed; will retry", metadata: ["object": "\(ref)", "error": "\(error)"])
        }
    }
}

struct ControllerMetrics: Sendable {
    let controller: String
    let factory: any MetricsFactory

    init(controller: String, factory: (any MetricsFactory)?) {
        self.controller = controller
        self.factory = factory ?? MetricsSystem.factory
    }

    func record(result: String, since start: ContinuousClock.Instant) {
        Counter(label: "modelship_reconcile_total", dimensions: [("controller", controller), ("result", result)], factory: factory)
            .increment()
        if result != "success" {
            Counter(label: "modelship_reconcile_errors_total", dimensions: [("controller", controller)], factory: factory).increment()
        }
        Metrics.Timer(label: "modelship_reconcile_duration_seconds", dimensions: [("controller", controller)],
                      preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(start.duration(to: .now).nanosecondsValue)
    }
}
