import ArgumentParser
import Foundation
import KubeClient
import KubeRuntime
import Logging
import ModelshipShared
import ModelshipController
import Prometheus
import ServiceLifecycle
import UnixSignals
import CoreMetrics

/// `modelship-operator`: runs the ModelDeployment controller. Every flag can also be set through the
/// environment variable shown in its help (flags win).
@main
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-operator",
        abstract: "Reconcile ModelDeployments: serve ML models with modelship-server and keep them healthy.")

    @Option(help: "Path to a kubeconfig; default: in-cluster config, else KUBECONFIG or ~/.kube/config. [MODELSHIP_KUBECONFIG]")
    var kubeconfig: String? = env("MODELSHIP_KUBECONFIG")

    @Option(help: "Kubeconfig context to use. [MODELSHIP_CONTEXT]")
    var context: String? = env("MODELSHIP_CONTEXT")

    @Option(help: "Comma-separated namespaces to watch; empty watches all. [MODELSHIP_WATCH_NAMESPACES]")
    var watchNamespaces: String = env("MODELSHIP_WATCH_NAMESPACES") ?? ""

    @Option(help: "Elect a leader among replicas (true/false). [MODELSHIP_LEADER_ELECT]")
    var leaderElect: Bool = env("MODELSHIP_LEADER_ELECT").map { $0 == "true" } ?? true

    @Option(help: "Namespace of the leader-election Lease. [MODELSHIP_LEADER_ELECTION_NAMESPACE, POD_NAMESPACE]")
    var leaderElectionNamespace: String = env("MODELSHIP_LEADER_ELECTION_NAMESPACE") ?? env("POD_NAMESPACE") ?? "modelship-system"

    @Option(name: .customLong("leader-election-id"), help: "Name of the leader-election Lease. [MODELSHIP_LEADER_ELECTION_ID]")
    var leaderElectionID: String = env("MODELSHIP_LEADER_ELECTION_ID") ?? "modelship-operator"

    @Option(help: "Address for /metrics, host:port. [MODELSHIP_METRICS_BIND_ADDRESS]")
    var metricsBindAddress: String = env("MODELSHIP_METRICS_BIND_ADDRESS") ?? "0.0.0.0:8080"

    @Option(help: "Address for /healthz and /readyz, host:port. [MODELSHIP_HEALTH_PROBE_BIND_ADDRESS]")
    var healthProbeBindAddress: String = env("MODELSHIP_HEALTH_PROBE_BIND_ADDRESS") ?? "0.0.0.0:8081"

    @Option(help: "ModelDeployments reconciled at once. [MODELSHIP_CONCURRENCY]")
    var concurrency: Int = env("MODELSHIP_CONCURRENCY").flatMap(Int.init) ?? 4

    @Option(help: "Seconds between full resyncs (0 disables). [MODELSHIP_RESYNC_SECONDS]")
    var resyncSeconds: Int = env("MODELSHIP_RESYNC_SECONDS").flatMap(Int.init) ?? 600

    @Option(name: .customLong("kube-api-qps"),
            help: "Client-side rate limit towards the API server, requests per second (0 disables). [MODELSHIP_KUBE_API_QPS]")
    var kubeAPIQPS: Double = env("MODELSHIP_KUBE_API_QPS").flatMap(Double.init) ?? 200

    @Option(name: .customLong("kube-api-burst"), help: "Burst of the client-side rate limit. [MODELSHIP_KUBE_API_BURST]")
    var kubeAPIBurst: Int = env("MODELSHIP_KUBE_API_BURST").flatMap(Int.init) ?? 400

    @Option(help: "Image for servers whose ModelDeployment names none. [MODELSHIP_DEFAULT_SERVER_IMAGE]")
    var defaultServerImage: String = env("MODELSHIP_DEFAULT_SERVER_IMAGE") ?? "ghcr.io/modelship/modelship-server:0.1.0"

    @Option(help: "Log format: text or json. [MODELSHIP_LOG_FORMAT]")
    var logFormat: String = env("MODELSHIP_LOG_FORMAT") ?? "text"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. [MODELSHIP_LOG_LEVEL]")
    var logLevel: String = env("MODELSHIP_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        for address in [metricsBindAddress, healthProbeBindAddress] where HostPort(address) == nil {
            throw ValidationError("'\(address)' is not host:port")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        (LogFormat(rawValue: logFormat) ?? .text).bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "modelship.operator")

        var clientConfiguration = try ClientConfiguration.automatic(kubeconfig: kubeconfig, context: context)
        clientConfiguration.qps = kubeAPIQPS
        clientConfiguration.burst = kubeAPIBurst
        // Audit logs and API priority and fairness tell the operator's requests apart by this.
        clientConfiguration.userAgent = "modelship-operator/\(ModelshipVersion.current)"
        clientConfiguration.dropsManagedFields = true  // the operator owns its fields by what it writes, not by reading them
        let client = try KubeClient(configuration: clientConfiguration, logger: logger)

        var options = ModelshipOperator.Options()
        options.namespaces = watchNamespaces.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        options.leaderElection = leaderElect
        options.leaseNamespace = leaderElectionNamespace
        options.leaseName = leaderElectionID
        options.concurrency = concurrency
        options.resyncInterval = resyncSeconds > 0 ? .seconds(resyncSeconds) : nil
        options.configuration = OperatorConfiguration(defaultServerImage: defaultServerImage)
        let modelship = ModelshipOperator(client: client, options: options, logger: logger)

        let metrics = HostPort(metricsBindAddress)!
        let probes = HostPort(healthProbeBindAddress)!
        var services = modelship.services
        services.append(OperatorEndpoints(host: metrics.host, port: metrics.port, registry: registry, logger: logger))
        services.append(OperatorEndpoints(host: probes.host, port: probes.port, registry: registry,
                                          readiness: { modelship.readiness() }, logger: logger))
        logger.info("starting", metadata: [
            "namespaces": "\(options.namespaces.isEmpty ? "all" : options.namespaces.joined(separator: ","))",
            "leaderElection": "\(leaderElect)", "server": "\(clientConfiguration.server)",
        ])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        logger.info("stopped")
    }
}

func env(_ name: String) -> String? { environmentVariable(name) }

/// "host:port", with an empty host meaning all interfaces.
struct HostPort {
    var host: String
    var port: Int
    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon])
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}
