import ArgumentParser
import Foundation
import KubeTestServer
import Logging

/// Starts the embedded Kubernetes API server and writes a kubeconfig for kubectl and other clients.
@main
struct DevCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-dev-cluster",
        abstract: "Run Modelship's embedded Kubernetes API server (no etcd, no nodes) for local development and demos.")

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
