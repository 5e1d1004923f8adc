import KubeClient
import KubeRuntime
import ModelshipAPI

/// The Events a status change deserves: one per meaningful transition, none for a repeat.
enum TransitionEvents {
    struct Event: Equatable {
        var type: EventRecorder.EventType
        var reason: String
        var message: String
    }

    static func between(_ old: ModelDeploymentStatus?, _ new: ModelDeploymentStatus, model: ModelSource) -> [Event] {
        let oldPhase = old?.phase
        let rejection = new.conditions?.first { $0.type == "Degraded" && $0.reason == "ChildRejected" }
        if let rejection, old?.message != rejection.message {
            return [Event(type: .warning, reason: "ChildRejected", message: rejection.message)]
        }
        guard new.phase != oldPhase || new.stable?.modelVersion != old?.stable?.modelVersion else { return [] }
        switch new.phase {
        case .failed?:
            return [Event(type: .warning, reason: "InvalidSpec", message: new.message ?? "invalid spec")]
        case .degraded?:
            return [Event(type: .warning, reason: "RolloutStalled", message: new.message ?? "rollout stalled")]
        case .progressing? where old?.stable?.modelVersion != nil && old?.stable?.modelVersion != model.version:
            return [Event(type: .normal, reason: "RolloutStarted",
                          message: "Rolling out model version \(model.version) (was \(old?.stable?.modelVersion ?? "none"))")]
        case .healthy? where old?.stable?.modelVersion != new.stable?.modelVersion || oldPhase != .healthy:
            return [Event(type: .normal, reason: "RolloutComplete", message: new.message ?? "rollout complete")]
        default:
            return []
        }
    }
}
