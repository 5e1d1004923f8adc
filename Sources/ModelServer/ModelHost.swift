import Logging
import NIOPosix
import Prometheus
import Synchronization

/// The one model this server process serves, from download to ready. Readiness is true only after
/// the model is fetched, loaded and has answered one warm-up inference.
public final class ModelHost: Sendable {
    public enum Phase: Sendable {
        case loading
        case ready(ModelRunner<ContinuousClock>)
        case failed(String)
    }

    public let name: String
    public let version: String
    public let metrics: ModelMetrics
    private let phase = Mutex<Phase>(.loading)

    public init(name: String, version: String, metrics: ModelMetrics) {
        self.name = name
        self.version = version
        self.metrics = metrics
    }

    public var runner: ModelRunner<ContinuousClock>? {
        phase.withLock { if case .ready(let runner) = $0 { return runner } else { return nil } }
    }

    public var isReady: Bool { runner != nil }

    /// Fetches, loads and warms up the model; on failure the phase records why and the error is rethrown.
    public func load(
        uri: String, sha256: String?, store: ModelStore, session: ORTSessionConfiguration, policy: BatchPolicy,
        executor: InferenceExecutor, logger: Logger
    ) async throws {
        let started = ContinuousClock.now
        do {
            let path = try await store.fetch(uri, sha256: sha256)
            let backend = try await NIOThreadPool.singleton.runIfActive {
                try ONNXRuntimeBackend(modelPath: path, configuration: session)
            }
            try await NIOThreadPool.singleton.runIfActive { try Self.warmUp(backend) }
            let runner = ModelRunner(backend: backend, policy: policy, executor: executor, clock: ContinuousClock(), metrics: metrics)
            let duration = ContinuousClock.now - started
            metrics.recordLoad(duration: duration, platform: backend.metadata.platform,
                               runtime: (try? ONNXRuntimeBackend.runtimeVersion()) ?? "unknown")
            metrics.ready.set(to: 1)
            phase.withLock { $0 = .ready(runner) }
            logger.info("model ready", metadata: [
                "model": "\(name)", "version": "\(version)", "path": "\(path)",
                "batching": "\(backend.metadata.supportsBatching ? "up to \(policy.maxBatchSize) rows" : "off (static first dimension)")",
                "executor": "\(executor.rawValue)", "loadSeconds": "\(duration)",
            ])
        } catch {
            phase.withLock { $0 = .failed("\(error)") }
            throw error
        }
    }

    /// One inference on zeros (dynamic dimensions as 1), so the first real request does not pay for
    /// ONNX Runtime's lazy initialisation, and a model that cannot run never reports ready.
    static func warmUp(_ backend: some InferenceBackend) throws(InferenceError) {
        let inputs = backend.metadata.inputs.map { spec in
            let shape = spec.shape.map { $0 < 0 ? 1 : $0 }
            let count = Tensor.elementCount(of: shape)
            let storage: Tensor.Storage = spec.dataType.elementSize.map { .raw([UInt8](repeating: 0, count: count * $0)) }
                ?? .strings([[UInt8]](repeating: [], count: count))
            return Tensor(name: spec.name, dataType: spec.dataType, shape: shape, storage: storage)
        }
        do throws(InferenceError) {
            _ = try backend.infer(inputs, outputs: backend.metadata.outputs.map(\.name))
        } catch {
            throw InferenceError(.internalError, "warm-up inference failed: \(error.message)")
        }
    }

    public func shutdown() async {
        await runner?.shutdown()
    }
}
