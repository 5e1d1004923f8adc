import Foundation
import KubeClient
import ModelshipAPI
import ModelshipShared

/// Derives a ModelDeployment's status from its stable Deployment. Pure: the same inputs give the same
/// status, and conditions keep their transition time while their status does not change, so an idle
/// reconcile computes exactly the status already stored.
public struct StatusCalculator: Sendable {
    public struct Input: Sendable {
        public var deployment: ModelDeployment
        public var workload: Deployment?
        public var revision: String
        /// Why pods are not ready (from their container states), when known.
        public var podProblem: String?
        public var endpoint: String
        public var now: Date

        public init(deployment: ModelDeployment, workload: Deployment?, revision: String, podProblem: String?, endpoint: String,
                    now: Date) {
            self.deployment = deployment
            self.workload = workload
            self.revision = revision
            self.podProblem = podProblem
            self.endpoint = endpoint
            self.now = now
        }
    }

    public static func status(_ input: Input) -> ModelDeploymentStatus {
        let previous = input.deployment.status ?? ModelDeploymentStatus()
        let model = input.deployment.spec.model
        let generation = input.deployment.metadata.generation
        let names = ChildNames(input.deployment.name)
        let workload = input.workload
        let desired = workload?.spec.replicas ?? 1
        let observed = (workload?.status?.observedGeneration ?? 0) >= (workload?.metadata.generation ?? 1)
        let replicas = workload?.status?.replicas ?? 0
        let ready = workload?.status?.readyReplicas ?? 0
        let updated = workload?.status?.updatedReplicas ?? 0
        let available = workload?.status?.availableReplicas ?? 0
        let rolledOut = workload != nil && observed && updated == desired && replicas == desired && available == desired
        let stalled = workload?.status?.condition("Progressing").map { $0.status == "False" && $0.reason == "ProgressDeadlineExceeded" } ?? false

        var status = previous
        status.observedGeneration = generation
        status.replicas = replicas
        status.readyReplicas = ready
        status.selector = LabelSelector(matching: names.selector()).description
        status.endpoint = input.endpoint
        if rolledOut {
            status.stable = .init(modelVersion: model.version, modelURI: URIRedaction.redacted(model.uri), revision: input.revision)
        }

        let progress = "\(updated)/\(desired) updated, \(ready)/\(desired) ready"
        var conditions = Conditions(previous.conditions ?? [], generation: generation, now: input.now)
        if rolledOut {
            status.phase = .healthy
            status.message = desired == 0
                ? "Scaled to zero; model version \(model.version) is configured"
                : "Model version \(model.version) is serving on \(ready)/\(desired) replicas"
            conditions.set("Ready", .true, "ModelServing", status.message!)
            conditions.set("Progressing", .false, "RolloutComplete", "The rollout of model version \(model.version) is complete")
            conditions.set("Degraded", .false, "AsExpected", "All replicas are up to date and ready")
        } else if stalled {
            let why = input.podProblem.map { ": \($0)" } ?? ""
            status.phase = .degraded
            status.message = "The rollout of model version \(model.version) is stuck (\(progress))\(why)"
            conditions.set("Ready", .false, "RolloutStalled", status.message!)
            conditions.set("Progressing", .false, "ProgressDeadlineExceeded", status.message!)
            conditions.set("Degraded", .true, "ProgressDeadlineExceeded", status.message!)
        } else {
            let first = status.stable?.modelVersion == nil
            status.phase = first && ready == 0 ? .pending : .progressing
            status.message = first
                ? "Starting model version \(model.version) (\(progress))"
                : "Rolling out model version \(model.version), replacing \(status.stable?.modelVersion ?? "") (\(progress))"
            conditions.set("Ready", first ? .false : (ready > 0 ? .true : .false), first ? "Starting" : "RollingOut", status.message!)
            conditions.set("Progressing", .true, first ? "Starting" : "RollingOut", status.message!)
            conditions.set("Degraded", .false, "AsExpected", "The rollout is progressing")
        }
        let availableCondition = workload?.status?.condition("Available")
        if availableCondition?.status == "True" {
            conditions.set("Available", .true, "MinimumReplicasAvailable", "\(available) of \(desired) replicas are available")
        } else {
            conditions.set("Available", .false, "MinimumReplicasUnavailable", "\(available) of \(desired) replicas are available")
        }
        status.conditions = conditions.ordered
        return status
    }

    /// The status of a spec the operator refuses: Failed, with every problem in the Ready condition.
    public static func invalid(_ deployment: ModelDeployment, problems: [SpecProblem], now: Date) -> ModelDeploymentStatus {
        var status = deployment.status ?? ModelDeploymentStatus()
        let message = "Invalid spec: " + problems.map(\.description).joined(separator: "; ")
        status.observedGeneration = deployment.metadata.generation
        status.phase = .failed
        status.message = message
        var conditions = Conditions(status.conditions ?? [], generation: deployment.metadata.generation, now: now)
        conditions.set("Ready", .false, "InvalidSpec", message)
        conditions.set("Degraded", .true, "InvalidSpec", message)
        status.conditions = conditions.ordered
        return status
    }
}

extension StatusCalculator {
    /// The status when the API server refuses a child: Degraded while an earlier version still serves,
    /// Failed when nothing does; the API's message in the conditions.
    public static func rejected(_ deployment: ModelDeployment, message: String, now: Date) -> ModelDeploymentStatus {
        var status = deployment.status ?? ModelDeploymentStatus()
        status.observedGeneration = deployment.metadata.generation
        status.phase = status.stable == nil ? .failed : .degraded
        status.message = message
        var conditions = Conditions(status.conditions ?? [], generation: deployment.metadata.generation, now: now)
        conditions.set("Ready", status.stable == nil ? .false : .true, "ChildRejected", message)
        conditions.set("Progressing", .false, "ChildRejected", message)
        conditions.set("Degraded", .true, "ChildRejected", message)
        status.conditions = conditions.ordered
        return status
    }
}

/// `meta.SetStatusCondition`: keeps lastTransitionTime unless the status changes.
struct Conditions {
    private var byType: [String: Condition]
    let generation: Int64?
    let now: Date
    static let order = ["Ready", "Available", "Progressing", "Degraded"]

    init(_ existing: [Condition], generation: Int64?, now: Date) {
        byType = Dictionary(existing.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
        self.generation = generation
        self.now = now
    }

    mutating func set(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String) {
        let transition = byType[type].flatMap { $0.status == status ? $0.lastTransitionTime : nil } ?? KubeTime.format(now)
        byType[type] = Condition(type: type, status: status, reason: reason, message: message, observedGeneration: generation,
                                 lastTransitionTime: transition)
    }

    var ordered: [Condition] {
        let known = Self.order.compactMap { byType[$0] }
        let others = byType.values.filter { !Self.order.contains($0.type) }.sorted { $0.type < $1.type }
        return known + others
    }
}
