import KubeClient
import KubeRuntime
import ModelshipAPI

/// All children of one ModelDeployment: ensures each, removes the ones no longer wanted, and says what changed.
struct ChildSet {
    struct Outcome {
        var workload: Deployment?
        var changes: [(String, ChildApplier<Deployment>.Outcome)] = []
        var conflict: String?
        /// The child the API server refused, which stopped the rest.
        var rejection: ChildRejection?
    }

    let client: KubeClient
    let namespace: String
    let ownerUID: String
    let context: ReconcileContext<ModelDeployment>

    func applier<R: KubeResource>(_ type: R.Type) -> ChildApplier<R> {
        ChildApplier(api: Api<R>(client: client, namespace: namespace), ownerUID: ownerUID)
    }

    func live<R: KubeResource>(_ type: R.Type, _ name: String) -> R? {
        context.cache(R.self)?.get(namespace: namespace, name: name)
    }

    /// Applies children in dependency order. A refused child stops the ones after it (they depend on it,
    /// and a half-applied set is worse than an unchanged one); it is reported, not retried in a loop.
    func apply(_ desired: DesiredChildren, names: ChildNames) async throws -> Outcome {
        var outcome = Outcome()
        do {
            try await applyInOrder(desired, names: names, into: &outcome)
        } catch let rejection as ChildRejection {
            outcome.rejection = rejection
        }
        return outcome
    }

    private func applyInOrder(_ desired: DesiredChildren, names: ChildNames, into outcome: inout Outcome) async throws {
        let (workload, workloadChange) = try await ensure(Deployment.self, desired.deployment, into: &outcome)
        outcome.workload = workload
        for service in desired.services { _ = try await ensure(Service.self, service, into: &outcome) }
        // An HPA or PDB aimed at a Deployment someone else controls would act on their workload.
        let ownsWorkload = if case .conflict = workloadChange { false } else { true }
        try await ensureOptional(HorizontalPodAutoscaler.self, ownsWorkload ? desired.autoscaler : nil, name: names.stable, into: &outcome)
        try await ensureOptional(PodDisruptionBudget.self, ownsWorkload ? desired.disruptionBudget : nil, name: names.stable, into: &outcome)
        try await ensureOptional(NetworkPolicy.self, desired.networkPolicy, name: names.entry, into: &outcome)
    }

    private func ensure<R: KubeResource>(_ type: R.Type, _ desired: JSONValue, into outcome: inout Outcome) async throws
        -> (R?, ChildApplier<R>.Outcome)
    {
        let name = desired[path: ["metadata", "name"]]?.stringValue ?? ""
        let child = "\(R.resourceType.kind) \(name)"
        let result = try await ChildRejection.catching(child) { try await applier(R.self).ensure(desired, live: live(R.self, name)) }
        switch result.outcome {
        case .created: outcome.changes.append((child, .created))
        case .updated: outcome.changes.append((child, .updated))
        case .conflict(let message): outcome.conflict = outcome.conflict ?? message
        case .unchanged: break
        }
        return result
    }

    /// Ensures the child when it is wanted, removes ours when it is not.
    private func ensureOptional<R: KubeResource>(_ type: R.Type, _ desired: JSONValue?, name: String, into outcome: inout Outcome)
        async throws
    {
        if let desired {
            _ = try await ensure(R.self, desired, into: &outcome)
            return
        }
        let child = "\(R.resourceType.kind) \(name)"
        if try await ChildRejection.catching(child, { try await applier(R.self).remove(live(R.self, name)) }) {
            outcome.changes.append(("(removed) " + child, .updated))
        }
    }

    /// The first reason a server pod gives for not running (ImagePullBackOff, CrashLoopBackOff...).
    func podProblem(selector: [String: String]) async throws -> String? {
        let pods = try await Api<Pod>(client: client, namespace: namespace).list(.init(labelSelector: LabelSelector(matching: selector)))
        for pod in pods.items {
            for status in pod.status?.containerStatuses ?? [] {
                if let waiting = status[path: ["state", "waiting"]], let reason = waiting["reason"]?.stringValue {
                    let message = waiting["message"]?.stringValue.map { " (\($0))" } ?? ""
                    return "pod \(pod.name): \(reason)\(message)"
                }
            }
        }
        return nil
    }
}

/// The API server refused a child for a reason retrying cannot change by itself: invalid (422), forbidden by
/// RBAC, admission or quota (403), or malformed (400). Conflicts, throttling and outages are retried instead.
struct ChildRejection: Error, Sendable {
    let child: String
    let error: KubeError

    var message: String {
        let reason = error.status?.message ?? "\(error)"
        return "The API server refused \(child) (\(error.code.map(String.init) ?? "?") \(error.status?.reason ?? "")): \(reason)"
    }

    static func isRejection(_ error: KubeError) -> Bool {
        switch error {
        case .invalid, .forbidden, .badRequest: true
        default: false
        }
    }

    static func catching<T>(_ child: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as KubeError where isRejection(error) {
            throw ChildRejection(child: child, error: error)
        }
    }
}
