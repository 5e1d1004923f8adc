import Foundation
import KubeClient
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension PodWorker {
    /// Runs the container's startup, readiness and liveness probes until cancelled (the process exited).
    func runProbes(_ index: Int, container: JSONValue, process: RunningProcess) async {
        await withTaskGroup(of: Void.self) { group in
            for kind in ProbeKind.allCases {
                guard let probe = container[kind.field] else { continue }
                group.addTask { await self.probeLoop(kind, probe: probe, index: index, container: container, process: process) }
            }
        }
    }

    enum ProbeKind: String, CaseIterable, Sendable {
        case startup = "Startup", readiness = "Readiness", liveness = "Liveness"
        var field: String { rawValue.prefix(1).lowercased() + rawValue.dropFirst() + "Probe" }
    }

    /// kubelet's probe worker: after initialDelaySeconds, one run per periodSeconds; readiness and liveness
    /// wait for the startup probe; a liveness or startup failure verdict restarts the container.
    private func probeLoop(_ kind: ProbeKind, probe: JSONValue, index: Int, container: JSONValue, process: RunningProcess) async {
        guard let podIP else { return }
        let name = containers[index].name
        let action = ProbeAction(probe: probe, container: container, podIP: podIP) { command, timeout in
            await self.exec(command, in: container, timeout: timeout)
        }
        var tracker = ProbeTracker(successThreshold: Int(probe["successThreshold"]?.intValue ?? 1),
                                   failureThreshold: Int(probe["failureThreshold"]?.intValue ?? 3))
        let period = Duration.seconds(max(1, probe["periodSeconds"]?.intValue ?? 10))
        try? await Task.sleep(for: .seconds(max(0, probe["initialDelaySeconds"]?.intValue ?? 0)))
        while !Task.isCancelled {
            if kind == .startup || containers[index].started {
                let (success, message) = await action.run()
                guard !Task.isCancelled else { return }
                if !success {
                    context.events.record(pod, type: "Warning", reason: "Unhealthy", message: "\(kind.rawValue) probe failed: \(message)",
                                          fieldPath: "spec.containers{\(name)}")
                }
                if let verdict = tracker.record(success: success), !apply(kind, verdict: verdict, index: index, process: process) { return }
            }
            try? await Task.sleep(for: period)
        }
    }

    /// Acts on a verdict; false when this probe has nothing more to do for this container run.
    private func apply(_ kind: ProbeKind, verdict: Bool, index: Int, process: RunningProcess) -> Bool {
        let name = containers[index].name
        switch (kind, verdict) {
        case (.readiness, _):
            if containers[index].ready != verdict { update(container: index) { $0.ready = verdict } }
            return true
        case (.startup, true):
            let hasReadiness = PodSpecReader.containers(pod)[index]["readinessProbe"] != nil
            update(container: index) { state in
                state.started = true
                if !hasReadiness { state.ready = true }
            }
            return false
        case (.liveness, true):
            return true
        case (.startup, false), (.liveness, false):
            context.events.record(pod, reason: "Killing", message: "Container \(name) failed \(kind.rawValue.lowercased()) probe, will be restarted",
                                  fieldPath: "spec.containers{\(name)}")
            stop(process, grace: PodSpecReader.containers(pod)[index][kind.field]?["terminationGracePeriodSeconds"]?.intValue
                 ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30)
            return false
        }
    }

    /// SIGTERM now, SIGKILL after the grace period if it still runs.
    func stop(_ process: RunningProcess, grace: Int64) {
        process.signal(SIGTERM)
        Task {
            try await Task.sleep(for: .seconds(max(0, grace)))
            process.signal(SIGKILL)
        }
    }

    /// An exec probe: the command in the container's environment; nil when it outlived the timeout.
    func exec(_ command: [String], in container: JSONValue, timeout: Duration) async -> Int32? {
        guard let spec = try? launchSpec(for: container, command: command),
            let process = try? await ProcessLauncher.shared.launch(spec, output: { _ in })
        else { return 127 }
        let timedOut = Locked(false)
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.withLock { $0 = true }
            process.signal(SIGKILL)
        }
        let code = await process.exitCode()
        timer.cancel()
        return timedOut.withLock { $0 } ? nil : code
    }
}
