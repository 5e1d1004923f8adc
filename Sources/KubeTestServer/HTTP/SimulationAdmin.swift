import KubeClient

/// `/__admin/simulation`: the simulated controllers' test hooks over HTTP, so clients in other processes
/// (kubectl-driven tests, the Python suite, the demo) can make a Deployment fail or heal, decide a Job's
/// outcome, run a CronJob now, or set an HPA's desired replicas. POST one JSON object:
///
///     {"action": "failDeployment", "namespace": "ns", "name": "d", "reason": "ImagePullBackOff", "message": "..."}
///     {"action": "healDeployment", "namespace": "ns", "name": "d"}
///     {"action": "setJobOutcome", "namespace": "ns", "name": "j", "outcome": "succeed" | "fail" | "hold", "message": "..."}
///     {"action": "triggerCronJob", "namespace": "ns", "name": "c"}          -> {"job": "<created Job's name>"}
///     {"action": "setHPADesiredReplicas", "namespace": "ns", "name": "h", "replicas": 3}
struct SimulationAdmin {
    let simulation: ClusterSimulation
    let enabled: Bool

    func handle(_ request: APIRequest) throws(APIError) -> APIResponse {
        guard request.method == "POST" else {
            throw APIError.methodNotAllowed("method \(request.method) not allowed on /__admin/simulation; POST an action")
        }
        guard enabled else {
            throw APIError(code: 409, reason: "Conflict", message: "the simulated controllers are switched off on this server")
        }
        let body = try request.jsonBody()
        let namespace = try field("namespace", in: body)
        let name = try field("name", in: body)
        switch try field("action", in: body) {
        case "failDeployment":
            simulation.failDeployment(namespace: namespace, name: name, reason: body["reason"]?.stringValue ?? "ImagePullBackOff",
                                      message: body["message"]?.stringValue ?? "Back-off pulling image")
        case "healDeployment":
            simulation.healDeployment(namespace: namespace, name: name)
        case "setJobOutcome":
            simulation.setJobOutcome(namespace: namespace, name: name, try outcome(body))
        case "triggerCronJob":
            let job = try simulation.triggerCronJob(namespace: namespace, name: name)
            return .json(["job": .string(job)], status: 201)
        case "setHPADesiredReplicas":
            guard let replicas = body["replicas"]?.intValue, replicas >= 0 else {
                throw APIError.badRequest("setHPADesiredReplicas needs a non-negative integer 'replicas'")
            }
            simulation.setHPADesiredReplicas(namespace: namespace, name: name, Int(replicas))
        case let action:
            throw APIError.badRequest("unknown action '\(action)'; use failDeployment, healDeployment, setJobOutcome, triggerCronJob or setHPADesiredReplicas")
        }
        return .json(["status": "ok"])
    }

    private func field(_ key: String, in body: JSONValue) throws(APIError) -> String {
        guard let value = body[key]?.stringValue, !value.isEmpty else { throw APIError.badRequest("'\(key)' (a string) is required") }
        return value
    }

    private func outcome(_ body: JSONValue) throws(APIError) -> ClusterSimulation.JobOutcome {
        switch body["outcome"]?.stringValue {
        case "succeed": return .succeed
        case "fail": return .fail(message: body["message"]?.stringValue ?? "the job failed")
        case "hold": return .hold
        default: throw APIError.badRequest("'outcome' must be succeed, fail or hold")
        }
    }
}
