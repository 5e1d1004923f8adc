import Foundation
import KubeClient

/// One container as the kubelet tracks it, and the pod status it adds up to.
struct ContainerState: Sendable, Equatable {
    struct Terminated: Sendable, Equatable {
        var exitCode: Int32
        var reason: String
        var message: String?
        var startedAt: Date?
        var finishedAt: Date
    }

    enum Current: Sendable, Equatable {
        case waiting(reason: String, message: String?)
        case running(startedAt: Date)
        case terminated(Terminated)
    }

    var name: String
    var image: String
    var current: Current = .waiting(reason: "ContainerCreating", message: nil)
    var lastTerminated: Terminated?
    var restartCount = 0
    var started = false
    var ready = false
    var pid: Int32?

    var isRunning: Bool { if case .running = current { true } else { false } }
    var isTerminated: Bool { if case .terminated = current { true } else { false } }

    func json() -> JSONValue {
        var status: JSONValue = [
            "name": .string(name), "image": .string(image), "imageID": .string(image), "ready": .bool(ready),
            "started": .bool(started), "restartCount": .int(Int64(restartCount)), "state": Self.json(current),
            "lastState": lastTerminated.map { Self.json(.terminated($0)) } ?? [:],
        ]
        if let pid { status["containerID"] = .string("process://\(pid)") }
        return status
    }

    static func json(_ state: Current) -> JSONValue {
        switch state {
        case .waiting(let reason, let message):
            var waiting: JSONValue = ["reason": .string(reason)]
            if let message { waiting["message"] = .string(message) }
            return ["waiting": waiting]
        case .running(let startedAt):
            return ["running": ["startedAt": .string(KubeTime.format(startedAt))]]
        case .terminated(let terminated):
            var value: JSONValue = ["exitCode": .int(Int64(terminated.exitCode)), "reason": .string(terminated.reason),
                                    "finishedAt": .string(KubeTime.format(terminated.finishedAt))]
            if let startedAt = terminated.startedAt { value["startedAt"] = .string(KubeTime.format(startedAt)) }
            if let message = terminated.message, !message.isEmpty { value["message"] = .string(message) }
            return ["terminated": value]
        }
    }
}

/// The pod status kubelet reports, from its containers' states (kubelet's getPhase and generateAPIPodStatus).
struct PodStatusBuilder {
    let restartPolicy: String
    let podIP: String?
    let startTime: Date
    let previous: JSONValue?

    func phase(_ containers: [ContainerState]) -> String {
        let running = containers.filter(\.isRunning).count
        let terminated = containers.filter(\.isTerminated)
        let failed = terminated.filter { if case .terminated(let t) = $0.current { t.exitCode != 0 } else { false } }.count
        let waitingAfterRun = containers.filter { !$0.isRunning && !$0.isTerminated && $0.lastTerminated != nil }.count
        if running > 0 || (waitingAfterRun > 0 && restartPolicy != "Never") { return "Running" }
        if !containers.isEmpty, terminated.count == containers.count {
            return failed > 0 ? "Failed" : "Succeeded"
        }
        return "Pending"
    }

    func status(_ containers: [ContainerState]) -> JSONValue {
        let phase = phase(containers)
        let allReady = !containers.isEmpty && containers.allSatisfy(\.ready)
        let notReady = containers.filter { !$0.ready }.map(\.name)
        let reason = phase == "Succeeded" || phase == "Failed" ? "PodCompleted" : "ContainersNotReady"
        let message = "containers with unready status: [\(notReady.joined(separator: " "))]"
        var status: JSONValue = [
            "phase": .string(phase), "hostIP": "127.0.0.1", "hostIPs": [["ip": "127.0.0.1"]],
            "startTime": .string(KubeTime.format(startTime)),
            "conditions": [
                condition("PodReadyToStartContainers", podIP != nil),
                condition("Initialized", true),
                condition("Ready", allReady, reason: reason, message: message),
                condition("ContainersReady", allReady, reason: reason, message: message),
                condition("PodScheduled", true),
            ],
            "containerStatuses": .array(containers.map { $0.json() }),
        ]
        if let qos = previous?["qosClass"] { status["qosClass"] = qos }
        if let podIP {
            status["podIP"] = .string(podIP)
            status["podIPs"] = [["ip": .string(podIP)]]
        }
        return status
    }

    /// A pod condition that keeps its transition time while its status holds.
    func condition(_ type: String, _ value: Bool, reason: String? = nil, message: String? = nil) -> JSONValue {
        let status = value ? "True" : "False"
        let old = previous?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
        let time = old?["status"]?.stringValue == status ? (old?["lastTransitionTime"] ?? .string(KubeTime.format(Date())))
            : .string(KubeTime.format(Date()))
        var condition: JSONValue = ["type": .string(type), "status": .string(status), "lastProbeTime": .null, "lastTransitionTime": time]
        if !value, let reason { condition["reason"] = .string(reason) }
        if !value, let message { condition["message"] = .string(message) }
        return condition
    }
}
