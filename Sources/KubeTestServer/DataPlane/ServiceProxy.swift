import Foundation
import KubeClient
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// kube-proxy's userspace mode: the proxy listens on every Service's clusterIP:port (ClusterIPs come from a
/// loopback range) and forwards each connection to a ready endpoint of that port, round robin per
/// connection. A Service with no ready endpoint refuses connections (they are closed at once).
final class ServiceProxy: Sendable {
    struct PortKey: Hashable, Sendable {
        var namespace: String
        var service: String
        var portName: String
    }

    struct Listener: Sendable {
        var address: String
        var port: Int
        var channel: any Channel
    }

    private struct State {
        var endpoints: [PortKey: [(host: String, port: Int)]] = [:]
        var next: [PortKey: Int] = [:]
        /// "ip:port" -> the Service port it serves.
        var listeners: [String: (key: PortKey, channel: (any Channel)?)] = [:]
    }

    let store: ClusterStore
    let logger: Logger
    let group = MultiThreadedEventLoopGroup.singleton
    private let state = Mutex(State())

    init(store: ClusterStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The next ready endpoint of a Service port (round robin), nil when it has none.
    func pick(_ key: PortKey) -> (host: String, port: Int)? {
        state.withLock { state in
            guard let endpoints = state.endpoints[key], !endpoints.isEmpty else { return nil }
            let index = (state.next[key] ?? 0) % endpoints.count
            state.next[key] = index + 1
            return endpoints[index]
        }
    }

    // MARK: Following the API

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.follow(EndpointsController.services) { self.syncListeners($0, deleted: $1) } }
            group.addTask { await self.follow(EndpointsController.slices) { self.syncEndpoints(of: $0); _ = $1 } }
        }
        let channels = state.withLock { state in
            defer { state.listeners = [:] }
            return state.listeners.values.compactMap(\.channel)
        }
        for channel in channels { try? await channel.close() }
    }

    private func follow(_ resource: ResourceKey, _ apply: @escaping @Sendable (JSONValue, Bool) -> Void) async {
        guard let handle = try? store.watch(resourceKey: resource, namespace: nil, labelSelector: nil, fieldSelector: nil,
                                            resourceVersion: nil) else { return }
        await withTaskCancellationHandler {
            for await message in handle.messages {
                guard case .change(let type, let object) = message else { continue }
                apply(object, type == .deleted)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    /// Ready endpoints of the slice's Service, from every slice of that Service.
    private func syncEndpoints(of slice: JSONValue) {
        guard let service = slice[path: ["metadata", "labels", "kubernetes.io/service-name"]]?.stringValue else { return }
        let namespace = slice[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let selector = try? LabelSelector(parsing: "kubernetes.io/service-name=\(service)")
        let slices = (try? store.list(resourceKey: EndpointsController.slices, namespace: namespace, labelSelector: selector).items) ?? []
        var table: [PortKey: [(host: String, port: Int)]] = [:]
        for slice in slices {
            let ready = (slice["endpoints"]?.arrayValue ?? []).filter { $0[path: ["conditions", "ready"]]?.boolValue != false }
                .compactMap { $0["addresses"]?.arrayValue?.first?.stringValue }
            for port in slice["ports"]?.arrayValue ?? [] where (port["protocol"]?.stringValue ?? "TCP") == "TCP" {
                guard let number = port["port"]?.intValue else { continue }
                let key = PortKey(namespace: namespace, service: service, portName: port["name"]?.stringValue ?? "")
                table[key, default: []] += ready.map { ($0, Int(number)) }
            }
        }
        state.withLock { state in
            for key in state.endpoints.keys where key.namespace == namespace && key.service == service && table[key] == nil {
                state.endpoints[key] = nil
            }
            for (key, endpoints) in table { state.endpoints[key] = endpoints.sorted { $0.host < $1.host } }
        }
    }

    /// One listener per TCP port of each Service with a ClusterIP; closed when the Service or port goes.
    private func syncListeners(_ service: JSONValue, deleted: Bool) {
        let namespace = service[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let name = service[path: ["metadata", "name"]]?.stringValue ?? ""
        var wanted: [String: PortKey] = [:]
        if !deleted, let clusterIP = service[path: ["spec", "clusterIP"]]?.stringValue, clusterIP.hasPrefix("127.") {
            for port in service[path: ["spec", "ports"]]?.arrayValue ?? [] where (port["protocol"]?.stringValue ?? "TCP") == "TCP" {
                guard let number = port["port"]?.intValue else { continue }
                wanted["\(clusterIP):\(number)"] = PortKey(namespace: namespace, service: name, portName: port["name"]?.stringValue ?? "")
            }
        }
        let (stale, added) = state.withLock { state -> ([any Channel], [String]) in
            var stale: [any Channel] = []
            for (address, listener) in state.listeners
            where listener.key.namespace == namespace && listener.key.service == name && wanted[address] != listener.key {
                state.listeners[address] = nil
                if let channel = listener.channel { stale.append(channel) }
            }
            let added = wanted.keys.filter { state.listeners[$0] == nil }
            for address in added { state.listeners[address] = (wanted[address]!, nil) }
            return (stale, added)
        }
        for channel in stale { channel.close(promise: nil) }
        for address in added { bind(address, key: wanted[address]!) }
    }

    private func bind(_ address: String, key: PortKey) {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { return }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(ProxyFrontend(proxy: self, key: key))
            }
        bootstrap.bind(host: String(parts[0]), port: port).whenComplete { result in
            switch result {
            case .success(let channel):
                let keep = self.state.withLock { state -> Bool in
                    guard state.listeners[address]?.key == key else { return false }
                    state.listeners[address]?.channel = channel
                    return true
                }
                if !keep { channel.close(promise: nil) }
            case .failure(let error):
                self.logger.warning("service proxy cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
            }
        }
    }
}

/// The client side of a proxied connection: connects to an endpoint, then glues the two channels.
final class ProxyFrontend: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let proxy: ServiceProxy
    let key: ServiceProxy.PortKey

    init(proxy: ServiceProxy, key: ServiceProxy.PortKey) {
        self.proxy = proxy
        self.key = key
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        guard let endpoint = proxy.pick(key) else {
            client.close(promise: nil)
            return
        }
        ClientBootstrap(group: client.eventLoop)
            .channelOption(ChannelOptions.autoRead, value: false)
            .connectTimeout(.seconds(5))
            .connect(host: endpoint.host, port: endpoint.port)
            .whenComplete { result in
                switch result {
                case .failure:
                    client.close(promise: nil)
                case .success(let backend):
                    // Both channels live on this event loop, so the pipelines can be changed here, synchronously.
                    // Nothing was read yet (autoRead is off): glue first, then read both ways for good (the glue
                    // handlers hold reads back while the other side cannot take more).
                    let (front, back) = GlueHandler.matchedPair()
                    do {
                        try client.pipeline.syncOperations.addHandler(front)
                        try backend.pipeline.syncOperations.addHandler(back)
                        try client.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
                        try backend.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
                    } catch {
                        client.close(promise: nil)
                        backend.close(promise: nil)
                    }
                }
            }
    }
}
