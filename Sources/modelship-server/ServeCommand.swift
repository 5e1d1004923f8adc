import ArgumentParser
import Foundation
import Logging
import ModelServer
import ModelshipShared
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `modelship-server serve`. Every flag falls back to the environment variable in its help (the
/// operator configures pods through them); flags win.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Load one model and serve it.")

    @Option(name: .customLong("model-uri"), help: "Model location: a path, file://, http(s):// or s3://bucket/key. [MODELSHIP_MODEL_URI]")
    var modelURIFlag: String?
    var modelURI: String? { modelURIFlag ?? env("MODELSHIP_MODEL_URI") }

    @Option(name: .customLong("model-name"), help: "Name clients use in /v2/models/{name}. [MODELSHIP_MODEL_NAME]")
    var modelNameFlag: String?
    var modelName: String? { modelNameFlag ?? env("MODELSHIP_MODEL_NAME") }

    @Option(help: "Version reported and accepted in /versions/{v}. [MODELSHIP_MODEL_VERSION]")
    var modelVersion: String = env("MODELSHIP_MODEL_VERSION") ?? "1"

    @Option(name: .customLong("model-sha256"), help: "Expected sha256 of the model file (hex); a mismatch stops the server. [MODELSHIP_MODEL_SHA256]")
    var modelSha256Flag: String?
    var modelSha256: String? { modelSha256Flag ?? env("MODELSHIP_MODEL_SHA256") }

    @Option(help: "Address to listen on. [MODELSHIP_HOST]")
    var host: String = env("MODELSHIP_HOST") ?? "0.0.0.0"

    @Option(help: "Port to listen on (0 picks a free one). [MODELSHIP_PORT]")
    var port: Int = env("MODELSHIP_PORT").flatMap(Int.init) ?? 8080

    @Option(help: "Directory for downloaded models. [MODELSHIP_CACHE_DIR]")
    var cacheDir: String = env("MODELSHIP_CACHE_DIR") ?? NSTemporaryDirectory() + "modelship-models"

    @Option(help: "Most rows in one batched run (1 disables batching). [MODELSHIP_MAX_BATCH_SIZE]")
    var maxBatchSize: Int = env("MODELSHIP_MAX_BATCH_SIZE").flatMap(Int.init) ?? 32

    @Option(help: "Longest a request waits for others to join its batch, e.g. 5ms, 250us. [MODELSHIP_MAX_BATCH_DELAY]")
    var maxBatchDelay: String = env("MODELSHIP_MAX_BATCH_DELAY") ?? "5ms"

    @Option(help: "Requests that may wait for a run; more get 503 with Retry-After. [MODELSHIP_MAX_QUEUE_SIZE]")
    var maxQueueSize: Int = env("MODELSHIP_MAX_QUEUE_SIZE").flatMap(Int.init) ?? 1024

    @Option(help: "Largest request body in bytes; larger ones get 413. [MODELSHIP_MAX_REQUEST_BYTES]")
    var maxRequestBytes: Int = env("MODELSHIP_MAX_REQUEST_BYTES").flatMap(Int.init) ?? 16 << 20

    @Option(help: "ONNX Runtime intra-op threads (0: one per core). [MODELSHIP_THREADS]")
    var threads: Int = env("MODELSHIP_THREADS").flatMap(Int.init) ?? 0

    @Option(help: "ONNX Runtime inter-op threads. [MODELSHIP_INTER_OP_THREADS]")
    var interOpThreads: Int = env("MODELSHIP_INTER_OP_THREADS").flatMap(Int.init) ?? 1

    @Option(help: "Graph optimisation: disable, basic, extended or all. [MODELSHIP_GRAPH_OPTIMIZATION]")
    var graphOptimization: String = env("MODELSHIP_GRAPH_OPTIMIZATION") ?? "all"

    @Option(help: "Where ONNX Runtime runs batches: thread (a dedicated one), event-loop, or auto (event-loop with one usable CPU, else thread). [MODELSHIP_INFERENCE_EXECUTOR]")
    var inferenceExecutor: String = env("MODELSHIP_INFERENCE_EXECUTOR") ?? "auto"

    @Option(help: "cpu, cuda or cuda:N. cuda fails at startup when the CUDA provider is missing. [MODELSHIP_DEVICE]")
    var device: String = env("MODELSHIP_DEVICE") ?? "cpu"

    @Option(help: "Where to write the reason for a failed start (Kubernetes shows it). [MODELSHIP_TERMINATION_LOG]")
    var terminationLog: String = env("MODELSHIP_TERMINATION_LOG") ?? "/dev/termination-log"

    @Option(help: "Log format: text or json. [MODELSHIP_LOG_FORMAT]")
    var logFormat: String = env("MODELSHIP_LOG_FORMAT") ?? "text"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. [MODELSHIP_LOG_LEVEL]")
    var logLevel: String = env("MODELSHIP_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard modelURI != nil else { throw ValidationError("--model-uri (or MODELSHIP_MODEL_URI) is required") }
        guard let name = modelName, !name.isEmpty, !name.contains("/") else {
            throw ValidationError("--model-name (or MODELSHIP_MODEL_NAME) is required and may not contain '/'")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard maxBatchSize >= 1, maxQueueSize >= 1, maxRequestBytes >= 1 else {
            throw ValidationError("--max-batch-size, --max-queue-size and --max-request-bytes must be positive")
        }
        guard BatchDelay.parse(maxBatchDelay) != nil else { throw ValidationError("--max-batch-delay '\(maxBatchDelay)' is not like 5ms, 250us or 1s") }
        guard threads >= 0, interOpThreads >= 0 else { throw ValidationError("thread counts may not be negative") }
        guard ORTSessionConfiguration.Optimization(rawValue: graphOptimization) != nil else {
            throw ValidationError("--graph-optimization must be one of disable, basic, extended, all")
        }
        _ = try parsedDevice()
        guard inferenceExecutor == "auto" || InferenceExecutor(rawValue: inferenceExecutor) != nil else {
            throw ValidationError("--inference-executor must be auto, thread or event-loop")
        }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func parsedDevice() throws -> ORTSessionConfiguration.Device {
        if device == "cpu" { return .cpu }
        if device == "cuda" { return .cuda(deviceID: 0) }
        if device.hasPrefix("cuda:"), let id = Int(device.dropFirst(5)), id >= 0 { return .cuda(deviceID: id) }
        throw ValidationError("--device must be cpu, cuda or cuda:N")
    }

    var sessionConfiguration: ORTSessionConfiguration {
        var session = ORTSessionConfiguration()
        session.intraOpThreads = threads
        session.interOpThreads = interOpThreads
        session.optimization = ORTSessionConfiguration.Optimization(rawValue: graphOptimization) ?? .all
        session.device = (try? parsedDevice()) ?? .cpu
        return session
    }

    func run() async throws {
        (LogFormat(rawValue: logFormat) ?? .text).bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "modelship.server")
        let registry = PrometheusCollectorRegistry()
        let model = ModelHost(name: modelName!, version: modelVersion,
                              metrics: ModelMetrics(registry: registry, model: modelName!, version: modelVersion))
        let api = InferenceAPI(host: model, maxRequestBytes: maxRequestBytes)
        let http = HTTPServer(api: api, registry: registry, host: host, port: port, logger: logger)
        let loader = ModelLoader(host: model, uri: modelURI!, sha256: modelSha256,
                                 store: ModelStore(cacheDirectory: cacheDir, s3: .fromEnvironment(), http: .fromEnvironment(), logger: logger),
                                 session: sessionConfiguration,
                                 policy: BatchPolicy(maxBatchSize: maxBatchSize, maxDelay: BatchDelay.parse(maxBatchDelay)!, queueCapacity: maxQueueSize),
                                 executor: InferenceExecutor(rawValue: inferenceExecutor) ?? (usableCPUCount() == 1 ? .eventLoop : .thread),
                                 logger: logger)
        // Services stop in reverse order: the loader first, then HTTP drains in-flight requests. A failed
        // load shuts the group down gracefully too, so the error is the one thing logged.
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: http),
            .init(service: loader, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("stopped on error", metadata: ["error": "\(error)"])
            writeTerminationMessage("\(error)")
            await model.shutdown()
            throw ExitCode.failure
        }
        await model.shutdown()
        logger.info("stopped")
    }

    /// Kubernetes shows this file's content as the container's termination message.
    private func writeTerminationMessage(_ message: String) {
        guard FileManager.default.isWritableFile(atPath: (terminationLog as NSString).deletingLastPathComponent)
                || FileManager.default.isWritableFile(atPath: terminationLog) else { return }
        try? Data(message.prefix(4096).utf8).write(to: URL(fileURLWithPath: terminationLog))
    }
}

/// Loads the model once the HTTP server runs (so liveness answers during a long download), then
/// waits for shutdown. A failed load ends the process: the pod restarts and reports why.
struct ModelLoader: Service {
    let host: ModelHost
    let uri: String
    let sha256: String?
    let store: ModelStore
    let session: ORTSessionConfiguration
    let policy: BatchPolicy
    let executor: InferenceExecutor
    let logger: Logger

    func run() async throws {
        do {
            try await host.load(uri: uri, sha256: sha256, store: store, session: session, policy: policy,
                                executor: executor, logger: logger)
        } catch {
            throw ModelLoadFailure(message: "model '\(host.name)' version '\(host.version)' failed to load: \(error)")
        }
        try? await gracefulShutdown()
    }
}

struct ModelLoadFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
