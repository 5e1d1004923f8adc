import Foundation
import KubeClient
import KubeRuntime
import Logging
import ModelshipAPI

/// The operator, assembled: one ModelDeployment controller per watched namespace (or one for all),
/// owning Deployments, Services, HPAs and PDBs, behind leader election.
public final class ModelshipOperator: Sendable {
    public struct Options: Sendable {
        /// Namespaces to watch; empty watches all.
        public var namespaces: [String] = []
        public var leaderElection = true
        public var leaseNamespace = "modelship-system"
        public var leaseName = "modelship-operator"
        public var identity = ProcessInfo.processInfo.hostName + "-" + UUID().uuidString.prefix(8).lowercased()
        public var concurrency = 4
        /// Every ModelDeployment is reconciled again this often even without changes.
        public var resyncInterval: Duration? = .seconds(600)
        public var configuration = OperatorConfiguration()
        /// Called after every reconcile (tests and diagnostics).
        public var onReconcile: (@Sendable (ObjectRef) -> Void)?
        public init() {}
    }

    public let controllers: [Controller<ModelDeployment, ContinuousClock>]
    public let elector: LeaderElector?
    let options: Options

    public init(client: KubeClient, options: Options, logger: Logger = Logger(label: "modelship.operator")) {
        self.options = options
        let recorder = EventRecorder(client: client, component: options.configuration.component, instance: options.identity,
                                     logger: logger)
        let reconciler = ModelDeploymentReconciler(client: client, recorder: recorder, configuration: options.configuration,
                                                   logger: logger)
        let scopes: [String?] = options.namespaces.isEmpty ? [nil] : options.namespaces
        controllers = scopes.map { namespace in
            var configuration = Controller<ModelDeployment, ContinuousClock>.Configuration(
                name: "modeldeployment" + (namespace.map { "-\($0)" } ?? ""))
            configuration.concurrency = options.concurrency
            configuration.resyncInterval = options.resyncInterval
            configuration.onReconcile = options.onReconcile
            // The reconciler compares children through their typed fields, which hold every field it writes.
            configuration.cacheKeepsRawJSON = false
            // Its own status writes need no second look; spec, metadata and every child change still do.
            configuration.primaryUpdates = .specOrMetadataChanged
            let managed = ChildNames.managedSelector
            return Controller(for: Api<ModelDeployment>(client: client, namespace: namespace), reconciler: reconciler,
                              configuration: configuration, clock: ContinuousClock(), logger: logger)
                .owns(Api<Deployment>(client: client, namespace: namespace), labelSelector: managed)
                .owns(Api<Service>(client: client, namespace: namespace), labelSelector: managed)
                .owns(Api<HorizontalPodAutoscaler>(client: client, namespace: namespace), labelSelector: managed)
                .owns(Api<PodDisruptionBudget>(client: client, namespace: namespace), labelSelector: managed)
                .owns(Api<NetworkPolicy>(client: client, namespace: namespace), labelSelector: managed)
        }
        if options.leaderElection {
            var election = LeaderElector.Configuration(leaseName: options.leaseName, namespace: options.leaseNamespace,
                                                       identity: options.identity)
            election.leaseDuration = .seconds(15)
            elector = LeaderElector(client: client, configuration: election, logger: logger)
        } else {
            elector = nil
        }
    }

    /// Ready when not electing, or while leading with every cache synced; standby replicas report why not.
    public func readiness() -> (ready: Bool, reason: String) {
        if let elector, !elector.isLeader { return (true, "standby: waiting for leadership") }
        let unsynced = controllers.filter { !$0.hasSynced }.count
        return unsynced == 0 ? (true, "ok") : (false, "\(unsynced) controller cache(s) not synced yet")
    }
}
