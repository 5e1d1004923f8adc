import KubeClient
import KubeRuntime
import ModelshipAPI

/// All children of one ModelDeployment: ensures each, removes the ones no longer wanted, and says what changed.
struct ChildSet {
    struct Outcome {
        var workload: Deployment?
        var changes: [(String, ChildApplier<Deployment>.Outcome)] = []
        var conflict: String?
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

    func apply(_ desired: DesiredChildren, names: ChildNames) async throws -> Outcome {
        var outcome = Outcome()
        func note<R>(_ kind: String, _ name: String, _ change: ChildApplier<R>.Outcome) {
            switch change {
            case .created: outcome.changes.append(("\(kind) \(name)", .created))
            case .updated: outcome.changes.append(("\(kind) \(name)", .updated))
            case .conflict(let message): outcome.conflict = outcome.conflict ?? message
            case .unchanged: break
            }
        }
        let (workload, workloadChange) = try await applier(Deployment.self).ensure(desired.deployment, live: live(Deployment.self, names.stable))
        outcome.workload = workload
        note("Deployment", names.stable, workloadChange)
        for service in desired.services {
            let name = service[path: ["metadata", "name"]]?.stringValue ?? ""
            note("Service", name, try await applier(Service.self).ensure(service, live: live(Service.self, name)).outcome)
        }
        let autoscaler = live(HorizontalPodAutoscaler.self, names.stable)
        if let desiredAutoscaler = desired.autoscaler {
            note("HorizontalPodAutoscaler", names.stable,
                 try await applier(HorizontalPodAutoscaler.self).ensure(desiredAutoscaler, live: autoscaler).outcome)
        } else if try await applier(HorizontalPodAutoscaler.self).remove(autoscaler) {
            outcome.changes.append(("(removed) HorizontalPodAutoscaler \(names.stable)", .updated))
        }
        let budget = live(PodDisruptionBudget.self, names.stable)
        if let desiredBudget = desired.disruptionBudget {
            note("PodDisruptionBudget", names.stable,
                 try await applier(PodDisruptionBudget.self).ensure(desiredBudget, live: budget).outcome)
        } else if try await applier(PodDisruptionBudget.self).remove(budget) {
            outcome.changes.append(("(removed) PodDisruptionBudget \(names.stable)", .updated))
        }
        return outcome
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
