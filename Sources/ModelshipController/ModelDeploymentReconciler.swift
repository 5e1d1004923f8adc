import Foundation
import KubeClient
import KubeRuntime
import Logging
import ModelshipAPI

/// Makes a ModelDeployment's children match its spec and reports how they are doing.
///
/// Each reconcile: validate (and refuse invalid specs before touching anything), ensure every child,
/// derive the status, write it only if it changed, and record an Event for each transition. Nothing
/// here remembers earlier reconciles: everything comes from the caches and the object's status.
public struct ModelDeploymentReconciler: Reconciler {
    public typealias Resource = ModelDeployment

    let client: KubeClient
    let recorder: EventRecorder
    let configuration: OperatorConfiguration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(client: KubeClient, recorder: EventRecorder, configuration: OperatorConfiguration,
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "modelship.reconciler")) {
        self.client = client
        self.recorder = recorder
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    public func reconcile(_ ref: ObjectRef, context: ReconcileContext<ModelDeployment>) async throws -> ReconcileAction {
        guard let deployment = context.store.get(ref), deployment.metadata.deletionTimestamp == nil,
            let namespace = deployment.metadata.namespace, let uid = deployment.metadata.uid
        else { return .awaitChange }
        var problems = SpecValidation.problems(of: deployment, defaultImage: configuration.defaultServerImage)
        var secretMissing = false
        if problems.isEmpty, let secret = deployment.spec.model.storageSecretRef?.name,
            try await Api<Secret>(client: client, namespace: namespace).getIfPresent(secret) == nil
        {
            secretMissing = true
            problems.append(SpecProblem("spec.model.storageSecretRef.name", "Secret \(secret) does not exist in namespace \(namespace)"))
        }
        guard problems.isEmpty else {
            try await writeStatus(StatusCalculator.invalid(deployment, problems: problems, now: now()), of: deployment)
            // A missing Secret may appear later; Secrets are not watched (least privilege), so look again.
            return secretMissing ? .requeue(after: .seconds(30)) : .awaitChange
        }

        let desired = try ChildrenBuilder.build(deployment, configuration: configuration)
        let children = ChildSet(client: client, namespace: namespace, ownerUID: uid, context: context)
        let outcome = try await children.apply(desired, names: ChildNames(deployment.name))
        // One Event per kind of change, listing the children: fewer writes than one Event per child.
        for (verb, reason) in [(ChildSet.Change.Verb.created, "Created"), (.updated, "Updated"), (.deleted, "Deleted")] {
            let children = outcome.changed(verb).map(\.description)
            if !children.isEmpty {
                await recorder.record(deployment, reason: reason, message: "\(reason) " + children.joined(separator: ", "))
            }
        }
        if let rejection = outcome.rejection {
            try await writeStatus(StatusCalculator.rejected(deployment, message: rejection.message, now: now()), of: deployment)
            throw TerminalError(rejection.message, cause: rejection.error)
        }
        if let conflict = outcome.conflict {
            await recorder.record(deployment, type: .warning, reason: "ChildConflict", message: conflict)
            let status = StatusCalculator.invalid(deployment, problems: [SpecProblem("metadata.name", conflict)], now: now())
            try await writeStatus(status, of: deployment)
            return .awaitChange
        }

        let stalled = outcome.workload?.status?.condition("Progressing")?.reason == "ProgressDeadlineExceeded"
        let podProblem = stalled ? try await children.podProblem(selector: ChildNames(deployment.name).selector()) : nil
        let endpoint = "http://\(deployment.name).\(namespace).svc.\(configuration.clusterDomain)"
        let status = StatusCalculator.status(.init(deployment: deployment, workload: outcome.workload, revision: desired.revision,
                                                   podProblem: podProblem, endpoint: endpoint, now: now()))
        try await writeStatus(status, of: deployment)
        return .awaitChange
    }

    /// Writes status only when it differs, and records an Event for the transition it represents.
    func writeStatus(_ status: ModelDeploymentStatus, of deployment: ModelDeployment) async throws {
        let previous = deployment.status
        guard status != previous else { return }
        let api = Api<ModelDeployment>(client: client, namespace: deployment.metadata.namespace)
        _ = try await api.patchStatus(deployment.name, .merge(["status": try JSONValue(encoding: status)]))
        for event in TransitionEvents.between(previous, status, model: deployment.spec.model) {
            await recorder.record(deployment, type: event.type, reason: event.reason, message: event.message)
        }
    }
}
