import KubeClient
import KubeRuntime
import ModelshipAPI

/// All children of one ModelDeployment: makes each wanted one match, deletes the unwanted ones that are ours,
/// and says what changed.
struct ChildSet {
    /// One write the operator made to a child.
    struct Change: Equatable, CustomStringConvertible {
        enum Verb: Equatable { case created, updated, deleted }
        var kind: ChildKind
        var name: String
        var verb: Verb
        var description: String { "\(kind.rawValue) \(name)" }
    }

    struct Outcome {
        /// The stable Deployment as it is now (nil when it does not exist or is someone else's and absent).
        var workload: Deployment?
        var changes: [Change] = []
        var conflict: String?
        /// The child the API server refused, which stopped the rest.
        var rejection: ChildRejection?

        func changed(_ verb: Change.Verb) -> [Change] { changes.filter { $0.verb == verb } }
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

    /// Applies children in order. A refused child stops the ones after it (they depend on it, and a half-applied
    /// set is worse than an unchanged one); it is reported, not retried in a loop.
    func apply(_ desired: DesiredChildren, names: ChildNames) async throws -> Outcome {
        var outcome = Outcome()
        var workloadIsForeign = false
        do {
            for child in desired.children {
                // An HPA or PDB aimed at a Deployment someone else controls would act on their workload.
                let state = child.kind.targetsWorkload && workloadIsForeign ? .absent : child.state
                let (object, foreign) = try await apply(child.kind, child.name, state, into: &outcome)
                if child.kind == .deployment, child.name == names.stable {
                    outcome.workload = object as? Deployment
                    workloadIsForeign = foreign
                }
            }
        } catch let rejection as ChildRejection {
            outcome.rejection = rejection
        }
        return outcome
    }

    /// The child as it is now, and whether an object of its name belongs to someone else.
    private func apply(_ kind: ChildKind, _ name: String, _ state: DesiredChild.State, into outcome: inout Outcome) async throws
        -> (object: (any KubeResource)?, foreign: Bool)
    {
        switch kind {
        case .deployment: try await apply(Deployment.self, kind, name, state, into: &outcome)
        case .service: try await apply(Service.self, kind, name, state, into: &outcome)
        case .autoscaler: try await apply(HorizontalPodAutoscaler.self, kind, name, state, into: &outcome)
        case .disruptionBudget: try await apply(PodDisruptionBudget.self, kind, name, state, into: &outcome)
        case .networkPolicy: try await apply(NetworkPolicy.self, kind, name, state, into: &outcome)
        }
    }

    private func apply<R: KubeResource>(_ type: R.Type, _ kind: ChildKind, _ name: String, _ state: DesiredChild.State,
                                        into outcome: inout Outcome) async throws -> (object: R?, foreign: Bool) {
        let label = "\(kind.rawValue) \(name)"
        let live = live(R.self, name)
        switch state {
        case .present(let json):
            let result = try await ChildRejection.catching(label) { try await applier(R.self).ensure(json, live: live) }
            switch result.outcome {
            case .created: outcome.changes.append(Change(kind: kind, name: name, verb: .created))
            case .updated: outcome.changes.append(Change(kind: kind, name: name, verb: .updated))
            case .conflict(let message):
                outcome.conflict = outcome.conflict ?? message
                return (result.object, true)
            case .unchanged: break
            }
            return (result.object, false)
        case .absent:
            if try await ChildRejection.catching(label, { try await applier(R.self).remove(live) }) {
                outcome.changes.append(Change(kind: kind, name: name, verb: .deleted))
            }
            return (nil, live.map { $0.metadata.controllerReference?.uid != ownerUID } ?? false)
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
