import ArgumentParser
import Foundation
import KubeTestServer
import Logging

/// Starts the embedded Kubernetes API server and writes a kubeconfig for kubectl and other clients.
@main
struct DevCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-dev-cluster",
        abstract: "Run Modelship's embedded Kubernetes API server (no etcd) for local development and demos; with --run-image, a local kubelet and Service proxy run pods of those images as processes.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 6443

    @Option(help: "Where to write the kubeconfig for this server.")
    var kubeconfig = ".modelship/kubeconfig"

    @Flag(help: "Serve plain HTTP without TLS or authentication (kubectl then needs no certificate).")
    var insecure = false

    @Option(help: "Events kept for watch resumption before resourceVersions expire with 410 Gone.")
    var historyCapacity = 10_000

    @Option(name: .customLong("run-image"), parsing: .singleValue,
            help: "IMAGE=EXECUTABLE: pods of this image (a repository matches every tag) run as processes of the executable, on their own loopback addresses; repeatable. Without any, pods are only simulated.")
    var runImages: [String] = []

    @Option(name: .customLong("image-env"), parsing: .singleValue,
            help: "IMAGE=NAME=VALUE: an environment variable the mapped image declares (its Dockerfile's ENV); repeatable.")
    var imageEnvironment: [String] = []

    @Option(help: "Where pods' volumes and termination messages live (default: a new directory under the temporary directory).")
    var podDirectory: String?

    @Option(help: "The pods' loopback /16, as its first two octets.")
    var podNetwork = "127.1"

    @Option(help: "The Services' loopback /16 (ClusterIPs), as its first two octets.")
    var serviceNetwork = "127.2"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func run() async throws {
        // Logs go to stderr: stdout carries only the "export KUBECONFIG=..." line that says the server is up.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "modelship.dev-cluster")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = EmbeddedAPIServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.tls = !insecure
        configuration.token = insecure ? nil : configuration.token
        configuration.historyCapacity = historyCapacity
        configuration.logger = logger
        if !runImages.isEmpty {
            let images = try ImageMap.parse(run: runImages, environment: imageEnvironment)
            var kubelet = LocalKubelet.Configuration(images: images, directory: podDirectory)
            kubelet.podNetworkPrefix = podNetwork
            kubelet.serviceNetworkPrefix = serviceNetwork
            configuration.kubelet = kubelet
        }
        let server = EmbeddedAPIServer(configuration: configuration)
        let endpoint = try await server.start()
        let url = URL(fileURLWithPath: kubeconfig)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try endpoint.kubeconfig().write(to: url, atomically: true, encoding: .utf8)
        logger.info("embedded API server listening", metadata: ["url": "\(endpoint.url)", "kubeconfig": "\(url.path)"])
        // Unbuffered, so a process reading our stdout through a pipe sees it at once.
        FileHandle.standardOutput.write(Data("export KUBECONFIG=\(url.path)\n".utf8))
        await waitForTermination()
        logger.info("shutting down")
        await server.stop()
    }

    func waitForTermination() async {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
    }
}
