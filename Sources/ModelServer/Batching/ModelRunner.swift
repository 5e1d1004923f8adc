import NIOPosix
import Prometheus
import Synchronization

/// Queues requests for one model and runs them, batched by `BatchQueue`'s rules, on a dedicated
/// thread (ONNX Runtime blocks; it must not hold the event loops or Swift's cooperative pool).
public final class ModelRunner<C: Clock>: Sendable where C.Duration == Duration {
    private struct Pending: Sendable {
        var request: InferenceRequest
        var continuation: CheckedContinuation<Result<[Tensor], InferenceError>, Never>
    }

    private struct State {
        var queue: BatchQueue<Pending, C.Instant>
        var timerArmed = false
    }

    public let backend: any InferenceBackend
    public let policy: BatchPolicy
    private let clock: C
    private let state: Mutex<State>
    private let thread: NIOThreadPool
    private let metrics: ModelMetrics
    private let allOutputs: [String]

    public init(backend: any InferenceBackend, policy: BatchPolicy, clock: C, metrics: ModelMetrics) {
        self.backend = backend
        self.policy = backend.metadata.supportsBatching ? policy : policy.unbatched
        self.clock = clock
        self.metrics = metrics
        allOutputs = backend.metadata.outputs.map(\.name)
        state = Mutex(State(queue: BatchQueue(policy: self.policy)))
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Stops the execution thread once queued work is done.
    public func shutdown() async {
        try? await thread.shutdownGracefully()
    }

    /// Tells the batcher a request for this model is being read, so a batch may wait for it.
    /// Every `announce` is followed by `infer` or `withdraw`.
    public func announce() {
        state.withLock { $0.queue.announce() }
    }

    public func withdraw() {
        let decision = state.withLock { state in
            state.queue.withdraw()
            return state.queue.next(now: clock.now)
        }
        act(on: decision)
    }

    /// Runs a validated request (inputs in model order) and returns all of the model's outputs.
    public func infer(_ request: InferenceRequest) async throws(InferenceError) -> [Tensor] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[Tensor], InferenceError>, Never>) in
            let pending = Pending(request: request, continuation: continuation)
            let (accepted, decision, depth) = state.withLock { state in
                let accepted = state.queue.enqueue(pending, rows: request.rows, now: clock.now)
                return (accepted, state.queue.next(now: clock.now), state.queue.depth)
            }
            metrics.queueDepth.set(to: Double(depth))
            if !accepted {
                continuation.resume(returning: .failure(InferenceError(.overloaded,
                    "the queue for this model is full (\(policy.queueCapacity) requests); retry later")))
            }
            act(on: decision)
        }
        return try result.get()
    }

    private func act(on decision: BatchQueue<Pending, C.Instant>.Decision) {
        switch decision {
        case .idle: return
        case .run(let batch): thread.submit { _ in self.execute(batch) }
        case .wait(let deadline): armTimer(deadline)
        }
    }

    private func armTimer(_ deadline: C.Instant) {
        let shouldArm = state.withLock { state in
            defer { state.timerArmed = true }
            return !state.timerArmed
        }
        guard shouldArm else { return }
        Task {
            try? await clock.sleep(until: deadline, tolerance: nil)
            let decision = state.withLock { state in
                state.timerArmed = false
                return state.queue.next(now: clock.now)
            }
            act(on: decision)
        }
    }

    /// On the execution thread: run, answer every caller, then take the next batch if one is due.
    private func execute(_ batch: [Pending]) {
        let rows = batch.reduce(0) { $0 + $1.request.rows }
        metrics.batchSize.record(Double(rows))
        let started = ContinuousClock.now
        let results: Result<[[Tensor]], InferenceError>
        do throws(InferenceError) {
            results = .success(try BatchExecution.run(batch.map(\.request), outputs: allOutputs, backend: backend))
        } catch {
            results = .failure(error)
        }
        metrics.inferenceDuration.record(ContinuousClock.now - started)
        let (decision, depth) = state.withLock { state in
            state.queue.finished()
            return (state.queue.next(now: clock.now), state.queue.depth)
        }
        metrics.queueDepth.set(to: Double(depth))
        for (index, pending) in batch.enumerated() {
            pending.continuation.resume(returning: results.map { $0[index] })
        }
        act(on: decision)
    }
}
