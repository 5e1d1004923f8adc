import Foundation
import KubeClient

#if canImport(Glibc)
import Glibc
#endif

/// Runs one pod as kubelet would: an address, a sandbox directory with its volumes, one process per
/// container with probes and restarts, the status kubelet reports, and graceful termination.
actor PodWorker {
    let context: KubeletContext
    let key: ObjectKey
    let uid: String
    let sandbox: PodSandbox
    private(set) var pod: JSONValue
    private(set) var podIP: String?
    private let startTime = Date()
    var containers: [ContainerState]
    var logs: [String: (current: ContainerLog?, previous: ContainerLog?)] = [:]
    var processes: [String: RunningProcess] = [:]
    private var runners: [Task<Void, Never>] = []
    private(set) var terminating = false
    private var finished = false

    init(context: KubeletContext, pod: JSONValue) {
        self.context = context
        self.pod = pod
        key = ObjectKey(namespace: PodSpecReader.namespace(pod), name: PodSpecReader.name(pod))
        uid = PodSpecReader.uid(pod)
        sandbox = PodSandbox(root: context.root, pod: pod)
        containers = PodSpecReader.containers(pod).map {
            ContainerState(name: $0["name"]?.stringValue ?? "", image: $0["image"]?.stringValue ?? "")
        }
    }

    var restartPolicy: String { PodSpecReader.restartPolicy(pod) }

    // MARK: Lifecycle

    func start() {
        podIP = context.addresses.allocate()
        guard podIP != nil else {
            context.events.record(pod, type: "Warning", reason: "FailedCreatePodSandBox",
                                  message: "no free address in \(context.addresses.prefix).0.0/16")
            publish()
            return
        }
        servicesChanged()
        for index in containers.indices {
            runners.append(Task { await self.runContainer(index) })
        }
        publish()
    }

    /// The pod object changed: a deletion timestamp starts graceful termination (in the background, so the
    /// kubelet's watch goes on meanwhile).
    func update(_ latest: JSONValue) {
        pod = latest
        guard PodSpecReader.isTerminating(latest), !terminating else { return }
        let grace = PodSpecReader.gracePeriod(latest)
        Task { await self.terminate(grace: grace, deleteWhenDone: true) }
    }

    /// Services changed: the pod's /etc/hosts follows (only with a mount namespace of its own; see PodHosts).
    func servicesChanged() {
        guard ProcessLauncher.canBindHostsFile, let podIP, !terminating else { return }
        let services = (try? context.store.list(resourceKey: EndpointsController.services, namespace: nil).items) ?? []
        try? FileManager.default.createDirectory(atPath: sandbox.directory, withIntermediateDirectories: true)
        PodHosts.write(PodHosts.render(podName: key.name, namespace: key.namespace, podIP: podIP, services: services), to: sandbox.hostsFile)
    }

    /// A ConfigMap or Secret in the pod's namespace changed: volumes follow it.
    func configChanged() {
        guard !terminating else { return }
        try? sandbox.writeVolumes(pod, lookup: context.lookup)
    }

    /// SIGTERM to every container, SIGKILL after the grace period; then the pod object goes (as kubelet
    /// deletes it with grace 0) and the sandbox and address are released.
    func terminate(grace: Int64, deleteWhenDone: Bool) async {
        guard !terminating else { return }
        terminating = true
        for (name, process) in processes {
            if !finished {
                context.events.record(pod, reason: "Killing", message: "Stopping container \(name)", fieldPath: "spec.containers{\(name)}")
            }
            if grace > 0 { process.signal(SIGTERM) } else { process.signal(SIGKILL) }
        }
        let killer = Task {
            try await Task.sleep(for: .seconds(max(0, grace)))
            self.processes.values.forEach { $0.signal(SIGKILL) }
        }
        runners.forEach { $0.cancel() }
        for runner in runners { await runner.value }
        killer.cancel()
        publish()
        if deleteWhenDone {
            var request = ClusterStore.DeleteRequest()
            request.gracePeriodSeconds = 0
            request.preconditionUID = uid
            _ = try? context.store.delete(resourceKey: KubeletContext.pods, namespace: key.namespace, name: key.name, request: request)
        }
        release()
    }

    /// The pod object is gone (or the kubelet stops): no grace beyond `grace` seconds, no more writes.
    func kill(grace: Int64 = 0) async {
        finished = true
        guard terminating else { return await terminate(grace: grace, deleteWhenDone: false) }
        // Already terminating with a longer grace: cut it short.
        let processes = Array(self.processes.values)
        processes.forEach { $0.signal(grace > 0 ? SIGTERM : SIGKILL) }
        let killer = Task {
            try await Task.sleep(for: .seconds(max(0, grace)))
            processes.forEach { $0.signal(SIGKILL) }
        }
        for runner in runners { await runner.value }
        killer.cancel()
    }

    private func release() {
        sandbox.remove()
        if let podIP { context.addresses.release(podIP) }
    }

    // MARK: Status

    func update(container index: Int, _ change: (inout ContainerState) -> Void) {
        change(&containers[index])
        publish()
    }

    /// Writes the pod's status (a no-op write when nothing changed).
    func publish() {
        guard !finished else { return }
        let builder = PodStatusBuilder(restartPolicy: restartPolicy, podIP: podIP, startTime: startTime, previous: nil)
        let containers = self.containers
        let uid = self.uid
        _ = try? context.store.modify(resourceKey: KubeletContext.pods, namespace: key.namespace, name: key.name, subresource: .status,
                                      ownership: KubeletContext.ownership) { current throws(APIError) in
            // A pod of the same name created since is another pod.
            guard PodSpecReader.uid(current) == uid else { throw APIError(code: 409, reason: "Conflict", message: "pod was replaced") }
            var updated = current
            updated["status"] = PodStatusBuilder(restartPolicy: builder.restartPolicy, podIP: builder.podIP, startTime: builder.startTime,
                                                 previous: current["status"]).status(containers)
            return updated
        }
    }
}
