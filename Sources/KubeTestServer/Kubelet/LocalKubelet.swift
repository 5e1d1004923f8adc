import Foundation
import KubeClient
import Synchronization

/// The embedded control plane's kubelet: pods whose images are all mapped (see `ImageMap`) run as processes
/// on this machine, each with its own loopback address; other pods stay records that the simulated
/// controllers keep. It binds unscheduled pods to its node, reports status and Events as kubelet does,
/// finishes graceful deletions, and serves container logs.
public final class LocalKubelet: Sendable {
    public struct Configuration: Sendable {
        public var images: ImageMap
        /// The pods' /16, as its first two octets (a loopback range: nothing to set up).
        public var podNetworkPrefix = "127.1"
        /// The Services' /16, where the proxy listens; two dev clusters on one machine need different ones.
        public var serviceNetworkPrefix = "127.2"
        /// Where pod sandboxes (volumes, termination messages) live; removed when the kubelet stops.
        public var directory: String
        public var nodeName = "modelship-embedded-node"

        public init(images: ImageMap, directory: String? = nil) {
            self.images = images
            let chosen = directory ?? NSTemporaryDirectory() + "modelship-kubelet-\(getpid())-\(UUID().uuidString.prefix(8))"
            // Absolute: processes start in their working directories, and mounts name files by path.
            self.directory = chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
        }
    }

    let store: ClusterStore
    let configuration: Configuration
    let context: KubeletContext
    private let workers = Mutex<[String: PodWorker]>([:])

    public init(store: ClusterStore, configuration: Configuration) {
        self.store = store
        self.configuration = configuration
        context = KubeletContext(store: store, images: configuration.images, addresses: AddressPool(prefix: configuration.podNetworkPrefix),
                                 root: configuration.directory, node: configuration.nodeName)
    }

    /// True for a pod this kubelet runs: every container's image is mapped, and it is unbound or bound here.
    public func runs(_ pod: JSONValue) -> Bool {
        if let node = pod[path: ["spec", "nodeName"]]?.stringValue, node != configuration.nodeName { return false }
        return runs(podSpec: pod["spec"] ?? [:])
    }

    /// True when pods of this spec would run here (used by the simulated controllers for their templates).
    public func runs(podSpec: JSONValue) -> Bool {
        let containers = (podSpec["containers"]?.arrayValue ?? []) + (podSpec["initContainers"]?.arrayValue ?? [])
        return !containers.isEmpty && containers.allSatisfy { configuration.images.image(for: $0["image"]?.stringValue ?? "") != nil }
    }

    /// The log of a container's current run (or the previous one).
    func log(namespace: String, pod: String, container: String?, previous: Bool) async -> ContainerLog? {
        guard let worker = workers.withLock({ $0.values.first { $0.key == ObjectKey(namespace: namespace, name: pod) } }) else { return nil }
        let logs = await worker.logs
        let first = await worker.containers.first?.name ?? ""
        let name = container ?? first
        return previous ? logs[name]?.previous : logs[name]?.current
    }

    // MARK: Running

    /// Runs pods until cancelled; then stops every pod process (SIGTERM, SIGKILL after at most 5 s).
    public func run() async {
        try? FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.followPods() }
                group.addTask { await self.followConfiguration("configmaps") }
                group.addTask { await self.followConfiguration("secrets") }
                group.addTask { await self.followServices() }
            }
        } onCancel: {}
        await stopAll()
        try? FileManager.default.removeItem(atPath: configuration.directory)
    }

    private func stopAll() async {
        let all = workers.withLock { workers in
            defer { workers = [:] }
            return Array(workers.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in all { group.addTask { await worker.kill(grace: min(5, PodSpecReader.gracePeriod(await worker.pod))) } }
        }
    }

    private func followPods() async {
        guard let handle = try? store.watch(resourceKey: KubeletContext.pods, namespace: nil, labelSelector: nil, fieldSelector: nil,
                                            resourceVersion: nil) else { return }
        await withTaskCancellationHandler {
            for await message in handle.messages {
                guard case .change(let type, let pod) = message, runs(pod) else { continue }
                await podChanged(type, pod)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    private func podChanged(_ type: ChangeType, _ pod: JSONValue) async {
        let uid = PodSpecReader.uid(pod)
        let existing = workers.withLock { $0[uid] }
        if type == .deleted {
            workers.withLock { _ = $0.removeValue(forKey: uid) }
            await existing?.kill()
            return
        }
        if let existing {
            await existing.update(pod)
            return
        }

        let phase = pod[path: ["status", "phase"]]?.stringValue
        guard !PodSpecReader.isTerminating(pod), phase != "Succeeded", phase != "Failed" else {
            // Nothing runs for it here (e.g. left from an earlier run): finish its deletion.
            if PodSpecReader.isTerminating(pod) { deleteNow(pod) }
            return
        }
        if pod[path: ["spec", "nodeName"]] == nil { bind(pod) }
        let worker = PodWorker(context: context, pod: pod)
        workers.withLock { $0[uid] = worker }
        await worker.start()
    }

    /// The scheduler's binding, for pods nothing scheduled: this node is the only one.
    private func bind(_ pod: JSONValue) {
        _ = try? store.modify(resourceKey: KubeletContext.pods, namespace: PodSpecReader.namespace(pod), name: PodSpecReader.name(pod),
                              ownership: .update(manager: "kube-scheduler")) { current throws(APIError) in
            var bound = current
            bound[path: ["spec", "nodeName"]] = .string(self.configuration.nodeName)
            return bound
        }
    }

    private func deleteNow(_ pod: JSONValue) {
        var request = ClusterStore.DeleteRequest()
        request.gracePeriodSeconds = 0
        request.preconditionUID = PodSpecReader.uid(pod)
        _ = try? store.delete(resourceKey: KubeletContext.pods, namespace: PodSpecReader.namespace(pod), name: PodSpecReader.name(pod),
                              request: request)
    }

    private func followServices() async {
        guard ProcessLauncher.canBindHostsFile, let handle = try? store.watch(resourceKey: EndpointsController.services, namespace: nil,
                                                                            labelSelector: nil, fieldSelector: nil, resourceVersion: nil)
        else { return }
        await withTaskCancellationHandler {
            for await message in handle.messages {
                guard case .change = message else { continue }
                for worker in workers.withLock({ Array($0.values) }) { await worker.servicesChanged() }
            }
        } onCancel: {
            handle.cancel()
        }
    }

    private func followConfiguration(_ plural: String) async {
        guard let handle = try? store.watch(resourceKey: ResourceKey(group: "", plural: plural), namespace: nil, labelSelector: nil,
                                            fieldSelector: nil, resourceVersion: nil) else { return }
        await withTaskCancellationHandler {
            for await message in handle.messages {
                guard case .change(_, let object) = message else { continue }
                let namespace = object[path: ["metadata", "namespace"]]?.stringValue
                let affected = workers.withLock { $0.values.filter { $0.key.namespace == namespace } }
                for worker in affected { await worker.configChanged() }
            }
        } onCancel: {
            handle.cancel()
        }
    }
}
