import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KubeClient
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// An in-process Kubernetes API server over real HTTP(S), for tests, the demo and local development.
///
/// ```swift
/// let server = EmbeddedAPIServer()
/// let endpoint = try await server.start()
/// let client = try KubeClient(configuration: endpoint.clientConfiguration())
/// ```
public final class EmbeddedAPIServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port.
        public var port = 0
        public var tls = true
        /// Bearer token clients must send; nil disables authentication.
        public var token: String? = UUID().uuidString.lowercased()
        /// How many changes watches can resume from before a resourceVersion expires (410 Gone).
        public var historyCapacity = 10_000
        public var bookmarkInterval: Duration = .seconds(30)
        public var maxBodySize = 16 * 1024 * 1024
        /// PEM CA for client certificates: when set, clients must present a certificate it signed
        /// (kube-apiserver's --client-ca-file).
        public var clientCAPEM: String?
        /// Names and IP addresses in the serving certificate's subject alternative names.
        public var certificateHostnames = ["localhost"]
        public var certificateAddresses = ["127.0.0.1"]
        /// The simulated cluster controllers (Deployments, Jobs, CronJobs, HPAs); nil runs none.
        public var simulation: ClusterSimulation.Configuration? = .init()
        /// The data plane: a kubelet that runs pods of mapped images as processes, with EndpointSlices and a
        /// Service proxy. nil: every pod is a record, as before.
        public var kubelet: LocalKubelet.Configuration?
        public var logger = Logger(label: "modelship.embedded-apiserver")
        public init() {}
    }

    /// Where a started server listens and how to authenticate to it.
    public struct Endpoint: Sendable {
        public var url: URL
        public var caPEM: String?
        public var token: String?

        public func clientConfiguration(namespace: String = "default") -> ClientConfiguration {
            var configuration = ClientConfiguration(
                server: url,
                trust: caPEM.map { .certificateAuthority(pem: Array($0.utf8)) } ?? .system,
                credentials: token.map { StaticTokenCredentials(token: $0) as any CredentialProvider } ?? NoCredentials(),
                namespace: namespace)
            configuration.qps = 0
            return configuration
        }

        /// A kubeconfig that kubectl and the Python client understand.
        public func kubeconfig(context: String = "modelship-embedded", namespace: String = "default") -> String {
            var cluster = "    server: \(url.absoluteString)\n"
            if let caPEM { cluster += "    certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())\n" }
            let user = token.map { "    token: \($0)\n" } ?? "    {}\n"
            return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: \(context)
                  cluster:
                \(cluster)users:
                - name: \(context)
                  user:
                \(user)contexts:
                - name: \(context)
                  context:
                    cluster: \(context)
                    user: \(context)
                    namespace: \(namespace)
                current-context: \(context)

                """
        }
    }

    public let store: ClusterStore
    public let faults = FaultInjector()
    public let accessLog = AccessLog()
    /// Hooks into the simulated controllers: make Deployments fail, decide Job outcomes, trigger CronJobs.
    public let simulation: ClusterSimulation
    /// Runs pods of mapped images, when the configuration asks for a data plane.
    public let kubelet: LocalKubelet?
    let configuration: Configuration
    private let running = Mutex<(task: Task<Void, any Error>, group: ServiceGroup)?>(nil)

    public init(configuration: Configuration = .init(), store: ClusterStore? = nil) {
        self.configuration = configuration
        let store = store ?? ClusterStore(historyCapacity: configuration.historyCapacity)
        self.store = store
        let kubelet = configuration.kubelet.map { LocalKubelet(store: store, configuration: $0) }
        self.kubelet = kubelet
        if let kubelet {
            store.setKubelet { kubelet.runs($0) }
            store.setServiceNetwork(prefix: kubelet.configuration.serviceNetworkPrefix)
        }
        self.simulation = ClusterSimulation(store: store, configuration: configuration.simulation ?? .init(), kubelet: kubelet)
    }

    /// Starts listening and returns once the port is bound.
    public func start() async throws -> Endpoint {
        let authority = configuration.tls
            ? try CertificateAuthority(hostnames: configuration.certificateHostnames, addresses: configuration.certificateAddresses) : nil
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let configuration = self.configuration
        let store = self.store
        let faults = self.faults
        let accessLog = self.accessLog
        let kubelet = self.kubelet
        let simulationAdmin = SimulationAdmin(simulation: simulation, enabled: configuration.simulation != nil)
        let addressBox = Mutex<String>("")
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let handler = APIHandler(store: store, faults: faults, accessLog: accessLog, simulation: simulationAdmin, kubelet: kubelet,
                                     token: configuration.token,
                                     address: addressBox.withLock { $0 },
                                     bookmarkInterval: configuration.bookmarkInterval, logger: configuration.logger)
            return try await HTTPBridge.respond(to: request, handler: handler, maxBodySize: configuration.maxBodySize)
        }
        let server: HTTPServerBuilder
        if let authority {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(authority.serverCertificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(authority.serverKeyPEM.utf8), format: .pem)))
            tls.applicationProtocols = ["http/1.1"]
            if let clientCA = configuration.clientCAPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCA.utf8)))
                tls.certificateVerification = .noHostnameVerification
            }
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        let app = Application(
            responder: responder, server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: configuration.logger)
        var services: [any ServiceLifecycle.Service] = [app]
        if configuration.simulation != nil { services.append(SimulationService(simulation: simulation)) }
        if let kubelet { services.append(DataPlaneService(kubelet: kubelet, store: store, logger: configuration.logger)) }
        let group = ServiceGroup(configuration: .init(services: services, logger: configuration.logger))
        let task = Task { try await group.run() }
        running.withLock { $0 = (task, group) }
        var port = 0
        for await bound in portStream {
            port = bound
            break
        }
        addressBox.withLock { $0 = "\(configuration.host):\(port)" }
        let scheme = configuration.tls ? "https" : "http"
        return Endpoint(url: URL(string: "\(scheme)://\(configuration.host):\(port)")!, caPEM: authority?.caPEM,
                        token: configuration.token)
    }

    /// Stops listening and closes every open watch.
    public func stop() async {
        store.dropAllWatches()
        let running = self.running.withLock { running in
            defer { running = nil }
            return running
        }
        guard let running else { return }
        await running.group.triggerGracefulShutdown()
        _ = try? await running.task.value
    }
}

extension EmbeddedAPIServer {
    /// Runs `body` against a freshly started server and a client for it; stops both afterwards.
    public static func withRunning<T: Sendable>(
        _ configuration: Configuration = .init(),
        _ body: (EmbeddedAPIServer, KubeClient) async throws -> T
    ) async throws -> T {
        let server = EmbeddedAPIServer(configuration: configuration)
        let endpoint = try await server.start()
        let client = try KubeClient(configuration: endpoint.clientConfiguration())
        do {
            let result = try await body(server, client)
            await client.shutdown()
            await server.stop()
            return result
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
    }
}

/// Runs the kubelet, the endpoints controllers and the Service proxy as part of the server's service group.
struct DataPlaneService: ServiceLifecycle.Service {
    let kubelet: LocalKubelet
    let store: ClusterStore
    let logger: Logger

    func run() async throws {
        let endpoints = EndpointsController(store: store)
        let loop = ReconcileLoop(delay: .milliseconds(10)) { endpoints.reconcile($0) }
        let proxy = ServiceProxy(store: store, logger: logger)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await kubelet.run() }
                group.addTask { await loop.follow(store, EndpointsController.services) }
                group.addTask { await loop.follow(store, KubeletContext.pods) { endpoints.services(affectedBy: $0) } }
                group.addTask { await proxy.run() }
            }
        }
    }
}

/// Runs the simulated controllers as part of the server's service group.
struct SimulationService: ServiceLifecycle.Service {
    let simulation: ClusterSimulation
    func run() async throws {
        await cancelWhenGracefulShutdown { await simulation.run() }
    }
}
