import ArgumentParser
import Foundation
import KubeClient
import KubeRuntime
import Logging
import ModelshipAPI
import ModelshipController
import Synchronization

/// The limit of `bench/controller_scale.py`: the cheapest client that leaves the cluster as the operator
/// does. For every ModelDeployment it creates the same children (built by the operator's own builder) and
/// an Event, and once the Deployment is rolled out, patches status to Healthy and records an Event, with as
/// many requests in flight as the operator has workers. No cache comparison, no work queue, no resync: the
/// operator's time divided by this one's is the cost of being a controller.
///
/// `--statuses same` writes the operator's own two statuses (Pending as soon as the children exist, then
/// Healthy, as `StatusCalculator` makes them); `--statuses fewest` writes one small Healthy patch only.
@main
struct ScaleLimit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-scale-limit",
        abstract: "The controller-at-scale benchmark's limit: the operator's minimal writes from a plain client.")

    @Option(help: "Path to the kubeconfig.") var kubeconfig: String
    @Option(help: "Namespace of the ModelDeployments.") var namespace = "default"
    @Option(help: "Stop once this many ModelDeployments are Healthy.") var count: Int
    @Option(help: "Requests in flight, as the operator's --concurrency.") var concurrency = 8
    @Option(name: .customLong("kube-api-qps"), help: "Client rate limit (0: none), as the operator's.") var qps: Double = 0
    @Option(name: .customLong("kube-api-burst"), help: "Client burst, as the operator's.") var burst = 1
    @Option(help: "same: the operator's Pending and Healthy statuses; fewest: one small Healthy patch.") var statuses = "same"

    func run() async throws {
        var settings = try ClientConfiguration.automatic(kubeconfig: kubeconfig)
        settings.qps = qps
        settings.burst = burst
        settings.dropsManagedFields = true
        settings.userAgent = "modelship-scale-limit/\(ModelshipVersion.current)"
        let logger = Logger(label: "modelship.scale-limit")
        let client = try KubeClient(configuration: settings, logger: logger)
        let writer = LimitWriter(client: client, namespace: namespace, logger: logger, sameStatuses: statuses == "same")
        let started = ContinuousClock.now
        try await writer.run(until: count, concurrency: concurrency)
        print("limit: \(count) ModelDeployments Healthy in \(started.duration(to: .now))")
    }
}

/// Which ModelDeployments got their children and their Healthy status, shared by the watches and the workers.
final class Seen: Sendable {
    private let state = Mutex<(models: [String: ModelDeployment], revisions: [String: String], healthy: Set<String>, reported: Int)>(
        ([:], [:], [], 0))
    /// Remembers the model (for its status); true the first time it is seen.
    func firstTime(model: ModelDeployment) -> Bool {
        state.withLock { $0.models.updateValue(model, forKey: model.name) == nil }
    }
    func model(_ name: String) -> ModelDeployment? { state.withLock { $0.models[name] } }
    /// The pod template hash of a model's children, as its status reports it.
    func remember(revision: String, of model: String) { state.withLock { $0.revisions[model] = revision } }
    func revision(of model: String) -> String { state.withLock { $0.revisions[model] ?? "" } }
    func firstTime(healthy: String) -> Bool { state.withLock { $0.healthy.insert(healthy).inserted } }
    /// Counts one more status written; returns the total.
    func reported() -> Int { state.withLock { state in state.reported += 1; return state.reported } }
}

struct LimitWriter: Sendable {
    let client: KubeClient
    let namespace: String
    let logger: Logger
    let sameStatuses: Bool
    let configuration = OperatorConfiguration()

    var models: Api<ModelDeployment> { Api(client: client, namespace: namespace) }

    /// New ModelDeployments get their children, rolled-out Deployments their owner's status; each on its own
    /// stream drained by `concurrency` workers, so a slow write never blocks the watches.
    func run(until count: Int, concurrency: Int) async throws {
        let recorder = EventRecorder(client: client, component: configuration.component, instance: "scale-limit", logger: logger)
        let (created, createdInput) = AsyncStream<ModelDeployment>.makeStream()
        let (rolledOut, rolledOutInput) = AsyncStream<Deployment>.makeStream()
        let seen = Seen()
        let (done, doneInput) = AsyncStream<Void>.makeStream()

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await Watcher(api: models).run { event in
                    for model in Self.objects(event) where seen.firstTime(model: model) {
                        createdInput.yield(model)
                    }
                }
            }
            group.addTask {
                await Watcher(api: Api<Deployment>(client: client, namespace: namespace), labelSelector: ChildNames.managedSelector).run { event in
                    for deployment in Self.objects(event) where Self.isRolledOut(deployment) {
                        guard let owner = deployment.metadata.controllerReference?.name,
                            seen.firstTime(healthy: owner)
                        else { continue }
                        rolledOutInput.yield(deployment)
                    }
                }
            }
            for _ in 0..<concurrency {
                group.addTask {
                    for await model in created { await createChildren(of: model, seen: seen, recorder: recorder) }
                }
                group.addTask {
                    for await workload in rolledOut {
                        guard let owner = workload.metadata.controllerReference?.name, let model = seen.model(owner) else { continue }
                        if await reportHealthy(model, workload: workload, revision: seen.revision(of: owner), recorder: recorder),
                            seen.reported() >= count
                        {
                            doneInput.yield()
                        }
                    }
                }
            }
            for await _ in done { break }
            group.cancelAll()
            createdInput.finish()
            rolledOutInput.finish()
        }
    }

    func createChildren(of model: ModelDeployment, seen: Seen, recorder: EventRecorder) async {
        do {
            let desired = try ChildrenBuilder.build(model, configuration: configuration)
            seen.remember(revision: desired.revision, of: model.name)
            for deployment in desired.present(.deployment) {
                _ = try await Api<Deployment>(client: client, namespace: namespace).create(json: deployment)
            }
            for service in desired.present(.service) {
                _ = try await Api<Service>(client: client, namespace: namespace).create(json: service)
            }
            for budget in desired.present(.disruptionBudget) {
                _ = try await Api<PodDisruptionBudget>(client: client, namespace: namespace).create(json: budget)
            }
            await recorder.record(model, reason: "Created", message: "Created the children of \(model.name)")
            if sameStatuses {
                let status = StatusCalculator.status(input(model, workload: nil, revision: desired.revision))
                _ = try await models.patchStatus(model.name, .merge(["status": try JSONValue(encoding: status)]))
            }
        } catch {
            logger.error("creating children failed", metadata: ["model": "\(model.name)", "error": "\(error)"])
        }
    }

    /// True once the status is written.
    func reportHealthy(_ model: ModelDeployment, workload: Deployment, revision: String, recorder: EventRecorder) async -> Bool {
        let version = model.spec.model.version
        do {
            let status: JSONValue = sameStatuses
                ? try JSONValue(encoding: StatusCalculator.status(input(model, workload: workload, revision: revision)))
                : ["phase": "Healthy", "message": .string("Model version \(version) is serving")]
            let written = try await models.patchStatus(model.name, .merge(["status": status]))
            await recorder.record(written, reason: "RolloutComplete", message: "Model version \(version) is serving")
            return true
        } catch {
            logger.error("reporting status failed", metadata: ["model": "\(model.name)", "error": "\(error)"])
            return false
        }
    }

    func input(_ model: ModelDeployment, workload: Deployment?, revision: String) -> StatusCalculator.Input {
        StatusCalculator.Input(deployment: model, workload: workload, revision: revision, podProblem: nil,
                               endpoint: "http://\(model.name).\(namespace).svc.\(configuration.clusterDomain)", now: Date())
    }

    static func objects<R>(_ event: WatcherEvent<R>) -> [R] {
        switch event {
        case .restarted(let objects): objects
        case .applied(let object): [object]
        case .deleted: []
        }
    }

    static func isRolledOut(_ deployment: Deployment) -> Bool {
        let replicas = deployment.spec.replicas ?? 1
        guard let status = deployment.status else { return false }
        return (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) && status.updatedReplicas == replicas
            && status.availableReplicas == replicas
    }
}
