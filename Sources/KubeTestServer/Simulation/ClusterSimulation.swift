import Foundation
import KubeClient
import Synchronization

/// Stand-ins for the cluster's own controllers (there are no nodes here): Deployments get ReplicaSets,
/// Pods and status; Jobs run and finish; CronJobs create Jobs; HPAs report status and scale their
/// targets. Each can be switched off, and tests steer outcomes through the hooks.
public final class ClusterSimulation: Sendable {
    public struct Configuration: Sendable {
        public var deployments = true
        public var jobs = true
        public var cronJobs = true
        public var horizontalPodAutoscalers = true
        /// How long pods take to become ready after a Deployment changes.
        public var readyDelay: Duration = .milliseconds(200)
        /// How long a Job runs before its outcome is applied.
        public var jobDuration: Duration = .milliseconds(300)
        public init() {}
    }

    /// What a simulated Job does.
    public enum JobOutcome: Sendable, Equatable {
        case succeed
        case fail(message: String)
        /// Keep running until another outcome is set.
        case hold
    }

    struct Hooks {
        var deploymentFailures: [ObjectKey: (reason: String, message: String)] = [:]
        var jobOutcomes: [ObjectKey: JobOutcome] = [:]
        var hpaDesired: [ObjectKey: Int] = [:]
    }

    let store: ClusterStore
    let configuration: Configuration
    let hooks = SimulationHooks()
    let deployments: ReconcileLoop
    let jobs: ReconcileLoop
    let cronJobs: ReconcileLoop
    let hpas: ReconcileLoop

    /// Runs the pods of mapped images; nil: every pod is simulated.
    let kubelet: LocalKubelet?

    public init(store: ClusterStore, configuration: Configuration = .init(), kubelet: LocalKubelet? = nil) {
        self.store = store
        self.configuration = configuration
        self.kubelet = kubelet
        let hooks = self.hooks
        deployments = ReconcileLoop(delay: configuration.readyDelay) { key in
            DeploymentSimulator(store: store, hooks: hooks, kubelet: kubelet).reconcile(key)
        }
        jobs = ReconcileLoop(delay: configuration.jobDuration) { key in
            JobSimulator(store: store, hooks: hooks, kubelet: kubelet).reconcile(key)
        }
        cronJobs = ReconcileLoop(delay: .milliseconds(10)) { key in
            CronJobSimulator(store: store).reconcile(key, trigger: false)
            return nil
        }
        hpas = ReconcileLoop(delay: .milliseconds(50)) { key in
            HPASimulator(store: store, hooks: hooks).reconcile(key)
            return nil
        }
    }

    // MARK: Hooks

    /// Pods of this Deployment never become ready (e.g. reason "ImagePullBackOff").
    public func failDeployment(namespace: String, name: String, reason: String = "ImagePullBackOff",
                               message: String = "Back-off pulling image") {
        let key = ObjectKey(namespace: namespace, name: name)
        hooks.withLock { $0.deploymentFailures[key] = (reason, message) }
        Task { await deployments.schedule(key) }
    }

    public func healDeployment(namespace: String, name: String) {
        let key = ObjectKey(namespace: namespace, name: name)
        hooks.withLock { $0.deploymentFailures[key] = nil }
        Task { await deployments.schedule(key) }
    }

    /// Sets what a Job (existing or future) does; the default is to succeed.
    public func setJobOutcome(namespace: String, name: String, _ outcome: JobOutcome) {
        let key = ObjectKey(namespace: namespace, name: name)
        hooks.withLock { $0.jobOutcomes[key] = outcome }
        Task { await jobs.schedule(key) }
    }

    /// Makes a CronJob create a Job now, whatever its schedule; returns the Job's name.
    @discardableResult
    public func triggerCronJob(namespace: String, name: String) throws(APIError) -> String {
        try CronJobSimulator(store: store).trigger(ObjectKey(namespace: namespace, name: name))
    }

    /// The replica count the HPA would compute from metrics (clamped to its min/max).
    public func setHPADesiredReplicas(namespace: String, name: String, _ replicas: Int) {
        let key = ObjectKey(namespace: namespace, name: name)
        hooks.withLock { $0.hpaDesired[key] = replicas }
        Task { await hpas.schedule(key) }
    }

    // MARK: Running

    /// Runs the enabled controllers until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            let store = self.store
            if configuration.deployments {
                group.addTask { await self.deployments.follow(store, .init(group: "apps", plural: "deployments")) }
                if kubelet != nil {
                    // Pods a kubelet runs change state on their own: their Deployment follows.
                    group.addTask { await self.deployments.follow(store, DeploymentSimulator.pods) { SimulationObjects.owners(of: $0, kind: "Deployment", in: store) } }
                }
            }
            if configuration.jobs {
                group.addTask { await self.jobs.follow(store, .init(group: "batch", plural: "jobs")) }
                if kubelet != nil {
                    group.addTask { await self.jobs.follow(store, DeploymentSimulator.pods) { SimulationObjects.owners(of: $0, kind: "Job", in: store) } }
                }
            }
            if configuration.cronJobs {
                group.addTask { await self.cronJobs.follow(store, .init(group: "batch", plural: "cronjobs")) }
                group.addTask { await self.cronJobs.tick(store, .init(group: "batch", plural: "cronjobs"), every: .seconds(1)) }
            }
            if configuration.horizontalPodAutoscalers {
                group.addTask { await self.hpas.follow(store, .init(group: "autoscaling", plural: "horizontalpodautoscalers")) }
                group.addTask {
                    // Target replica changes show in the HPA's status.
                    await self.hpas.follow(store, .init(group: "apps", plural: "deployments")) { deployment in
                        HPASimulator(store: store, hooks: self.hooks).hpas(targeting: deployment)
                    }
                }
            }
        }
    }
}

/// Runs a reconcile for each changed object, once per burst of changes, after a delay. Reconciles of
/// different objects run in parallel, outside the actor; one object is never reconciled twice at once.
/// A reconcile may ask to run again after a while (a deadline), whatever changes.
actor ReconcileLoop {
    let delay: Duration
    let body: @Sendable (ObjectKey) -> Duration?
    private var pending: Set<ObjectKey> = []
    private var running: Set<ObjectKey> = []
    private var dirty: Set<ObjectKey> = []

    init(delay: Duration, body: @escaping @Sendable (ObjectKey) -> Duration?) {
        self.delay = delay
        self.body = body
    }

    func schedule(_ key: ObjectKey) {
        if running.contains(key) {
            dirty.insert(key)
            return
        }
        guard pending.insert(key).inserted else { return }
        let delay = self.delay
        let body = self.body
        Task {
            try? await Task.sleep(for: delay)
            await self.begin(key)
            let again = body(key)
            await self.end(key)
            if let again {
                try? await Task.sleep(for: again)
                await self.schedule(key)
            }
        }
    }

    private func begin(_ key: ObjectKey) {
        pending.remove(key)
        running.insert(key)
    }

    private func end(_ key: ObjectKey) {
        running.remove(key)
        if dirty.remove(key) != nil { schedule(key) }
    }

    /// Schedules every object of a kind whenever it changes (or the keys `map` derives from it).
    func follow(_ store: ClusterStore, _ resourceKey: ResourceKey,
                map: @Sendable (JSONValue) -> [ObjectKey] = { [ObjectKey.of($0)] }) async {
        guard let handle = try? store.watch(resourceKey: resourceKey, namespace: nil, labelSelector: nil, fieldSelector: nil,
                                            resourceVersion: nil) else { return }
        await withTaskCancellationHandler {
            for await message in handle.messages {
                guard case .change(_, let object) = message else { continue }
                for key in map(object) { schedule(key) }
            }
        } onCancel: {
            handle.cancel()
        }
    }

    /// Schedules every object of a kind periodically (schedules that depend on the time of day).
    func tick(_ store: ClusterStore, _ resourceKey: ResourceKey, every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard let objects = try? store.list(resourceKey: resourceKey, namespace: nil).items else { continue }
            for object in objects { schedule(ObjectKey.of(object)) }
        }
    }
}

extension ObjectKey {
    static func of(_ object: JSONValue) -> ObjectKey {
        ObjectKey(namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
                  name: object[path: ["metadata", "name"]]?.stringValue ?? "")
    }
}

/// The hook settings, shared by the simulators.
final class SimulationHooks: Sendable {
    private let state = Mutex(ClusterSimulation.Hooks())
    func withLock<T>(_ body: (inout ClusterSimulation.Hooks) -> T) -> T { state.withLock { body(&$0) } }
}
