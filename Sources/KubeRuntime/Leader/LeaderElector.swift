import Foundation
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// Leader election over a `coordination.k8s.io/v1` Lease, with client-go's rules: a lease held by
/// someone else is taken over only after it went unrenewed for a full lease duration *as observed
/// locally*; the leader renews every retry period and steps down when it cannot renew within the
/// renew deadline; a graceful shutdown releases the lease so a successor takes over at once.
public final class LeaderElector: ServiceLifecycle.Service, Sendable {
    public struct Configuration: Sendable {
        public var leaseName: String
        public var namespace: String
        public var identity: String
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)
        public init(leaseName: String, namespace: String, identity: String) {
            self.leaseName = leaseName
            self.namespace = namespace
            self.identity = identity
        }
    }

    /// Thrown by `run()` when leadership is lost: the process should exit (as controller-runtime does).
    public struct LostLeadership: Error, CustomStringConvertible {
        public var description: String { "leader election lost" }
    }

    let leases: Api<Lease>
    let configuration: Configuration
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var isLeader = false
        var waiters: [CheckedContinuation<Void, any Error>] = []
        /// The lease as last read, and when (monotonic) it last changed.
        var observedRenewTime: String?
        var observedHolder: String?
        var observedAt: ContinuousClock.Instant?
    }

    public init(client: KubeClient, configuration: Configuration, logger: Logger = Logger(label: "modelship.leader-election")) {
        self.leases = Api(client: client, namespace: configuration.namespace)
        self.configuration = configuration
        self.logger = logger
    }

    public var isLeader: Bool { state.withLock { $0.isLeader } }

    /// Suspends until this instance leads (throws CancellationError if cancelled first).
    public func waitForLeadership() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let leading = state.withLock { state -> Bool in
                if state.isLeader { return true }
                state.waiters.append(continuation)
                return false
            }
            if leading { continuation.resume() }
        }
    }

    public func run() async throws {
        defer { failWaiters() }
        // Acquire: try every retry period until the lease is ours.
        while !(try await tryAcquireOrRenew()) {
            try await sleepOrShutdown(configuration.retryPeriod)
            if Task.isCancelled || isShuttingDown { return }
        }
        becomeLeader()
        // Renew until shutdown; stepping down when renewals fail past the deadline.
        var lastRenewal = ContinuousClock.now
        while true {
            try await sleepOrShutdown(configuration.retryPeriod)
            if Task.isCancelled || isShuttingDown {
                await release()
                return
            }
            if await renew() {
                lastRenewal = .now
            } else if lastRenewal.duration(to: .now) > configuration.renewDeadline {
                state.withLock { $0.isLeader = false }
                logger.error("failed to renew the lease within the renew deadline; stepping down",
                             metadata: ["lease": "\(configuration.namespace)/\(configuration.leaseName)"])
                throw LostLeadership()
            }
        }
    }

    /// One renewal; every failure is logged with its cause (client-go: "failed to renew lease").
    func renew() async -> Bool {
        let lease = "\(configuration.namespace)/\(configuration.leaseName)"
        do {
            if try await tryAcquireOrRenew() { return true }
            logger.warning("failed to renew the lease: another instance holds it", metadata: ["lease": "\(lease)"])
        } catch {
            logger.warning("failed to renew the lease", metadata: ["lease": "\(lease)", "error": "\(error)"])
        }
        return false
    }

    var isShuttingDown: Bool { Task.isShuttingDownGracefully }

    func sleepOrShutdown(_ duration: Duration) async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        try Task.checkCancellation()
    }

    func becomeLeader() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.isLeader = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        logger.info("became leader", metadata: ["identity": "\(configuration.identity)"])
        for waiter in waiters { waiter.resume() }
    }

    func failWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: CancellationError()) }
    }

    /// One round of client-go's tryAcquireOrRenew; true when we hold the lease afterwards.
    func tryAcquireOrRenew() async throws -> Bool {
        let now = KubeTime.formatMicro(Date())
        let seconds = Int(configuration.leaseDuration.components.seconds)
        guard var lease = try await leases.getIfPresent(configuration.leaseName) else {
            var spec = Lease.Spec()
            spec.holderIdentity = configuration.identity
            spec.leaseDurationSeconds = seconds
            spec.acquireTime = now
            spec.renewTime = now
            spec.leaseTransitions = 0
            do {
                _ = try await leases.create(Lease(metadata: ObjectMeta(name: configuration.leaseName), spec: spec))
                return true
            } catch {
                guard error.isAlreadyExists else { throw error }
                return false
            }
        }
        let holder = lease.spec.holderIdentity ?? ""
        let observed = observe(holder: holder, renewTime: lease.spec.renewTime)
        let held = !holder.isEmpty && holder != configuration.identity
        let expiry = Duration.seconds(lease.spec.leaseDurationSeconds ?? seconds)
        if held, observed.duration(to: .now) < expiry { return false }

        if holder != configuration.identity {
            lease.spec.acquireTime = now
            lease.spec.leaseTransitions = (lease.spec.leaseTransitions ?? 0) + (holder.isEmpty && lease.spec.leaseTransitions == nil ? 0 : 1)
        }
        lease.spec.holderIdentity = configuration.identity
        lease.spec.leaseDurationSeconds = seconds
        lease.spec.renewTime = now
        do {
            let updated = try await leases.replace(lease)
            _ = observe(holder: configuration.identity, renewTime: updated.spec.renewTime)
            return true
        } catch {
            guard error.isConflict else { throw error }
            return false
        }
    }

    /// Records when the lease record last changed, on our own monotonic clock.
    func observe(holder: String, renewTime: String?) -> ContinuousClock.Instant {
        state.withLock { state in
            if state.observedHolder != holder || state.observedRenewTime != renewTime || state.observedAt == nil {
                state.observedHolder = holder
                state.observedRenewTime = renewTime
                state.observedAt = .now
            }
            return state.observedAt!
        }
    }

    /// Gives the lease up so another instance can take over without waiting for it to expire.
    /// A failed release is logged: the next leader then waits for the lease to expire.
    func release() async {
        state.withLock { $0.isLeader = false }
        let name = "\(configuration.namespace)/\(configuration.leaseName)"
        do {
            guard var lease = try await leases.getIfPresent(configuration.leaseName),
                lease.spec.holderIdentity == configuration.identity
            else { return }
            lease.spec.holderIdentity = nil
            lease.spec.leaseDurationSeconds = 1
            lease.spec.renewTime = KubeTime.formatMicro(Date())
            _ = try await leases.replace(lease)
            logger.info("released the lease", metadata: ["identity": "\(configuration.identity)"])
        } catch {
            logger.error("failed to release the lease; the next leader waits for it to expire",
                         metadata: ["lease": "\(name)", "error": "\(error)"])
        }
    }
}

/// Runs a service only while this instance is the leader.
public struct LeaderOnly: ServiceLifecycle.Service {
    let elector: LeaderElector
    let service: any ServiceLifecycle.Service

    public init(_ service: any ServiceLifecycle.Service, elector: LeaderElector) {
        self.service = service
        self.elector = elector
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await elector.waitForLeadership() }
        } catch is CancellationError {
            return
        }
        if Task.isShuttingDownGracefully { return }
        try await service.run()
    }
}
