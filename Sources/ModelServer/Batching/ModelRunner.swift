import NIOCore
import NIOPosix
import Prometheus
import Synchronization

/// Where ONNX Runtime runs a batch.
public enum InferenceExecutor: String, Sendable, CaseIterable {
    /// A dedicated thread per model: the event loops keep reading while a batch computes. Best with
    /// more than one CPU.
    case thread
    /// On the event loop that decided the batch: no hand-off. With one CPU there is no parallelism to
    /// win and every hand-off is a context switch on the same core (measured in docs/benchmarks.md).
    case eventLoop = "event-loop"
}

/// Queues requests for one model and runs them, batched by `BatchQueue`'s rules.
public final class ModelRunner<C: Clock>: Sendable where C.Duration == Duration {
    public typealias Completion = @Sendable (Result<[Tensor], InferenceError>) -> Void

    private struct Pending: Sendable {
        var request: InferenceRequest
        var completion: Completion
    }

    private struct State {
        var queue: BatchQueue<Pending, C.Instant>
        var timerArmed = false
        var flushScheduled = false
    }

    public let backend: any InferenceBackend
    public let policy: BatchPolicy
    public let executor: InferenceExecutor
    private let clock: C
    private let state: Mutex<State>
    private let thread: NIOThreadPool?
    private let metrics: ModelMetrics
    private let allOutputs: [String]

    public init(backend: any InferenceBackend, policy: BatchPolicy, executor: InferenceExecutor = .thread, clock: C, metrics: ModelMetrics) {
        self.backend = backend
        self.policy = backend.metadata.supportsBatching ? policy : policy.unbatched
        self.executor = executor
        self.clock = clock
        self.metrics = metrics
        allOutputs = backend.metadata.outputs.map(\.name)
        state = Mutex(State(queue: BatchQueue(policy: self.policy)))
        thread = executor == .thread ? NIOThreadPool(numberOfThreads: 1) : nil
        thread?.start()
    }

    /// Stops the execution thread once queued work is done.
    public func shutdown() async {
        try? await thread?.shutdownGracefully()
    }

    /// Tells the batcher a request for this model is being read, so a batch may wait for it.
    /// Every `announce` is followed by `submit` or `withdraw`.
    public func announce() {
        state.withLock { $0.queue.announce() }
    }

    public func withdraw() {
        state.withLock { $0.queue.withdraw() }
        scheduleFlush()
    }

    /// Queues a validated request (inputs in model order); `completion` gets all of the model's outputs,
    /// on the thread that ran the batch. A full queue completes at once with `.overloaded`.
    public func submit(_ request: InferenceRequest, completion: @escaping Completion) {
        let (accepted, depth) = state.withLock { state in
            (state.queue.enqueue(Pending(request: request, completion: completion), rows: request.rows, now: clock.now), state.queue.depth)
        }
        metrics.queueDepth.set(to: Double(depth))
        if !accepted {
            completion(.failure(InferenceError(.overloaded, "the queue for this model is full (\(policy.queueCapacity) requests); retry later")))
        }
        scheduleFlush()
    }

    /// `submit` for async callers.
    public func infer(_ request: InferenceRequest) async throws(InferenceError) -> [Tensor] {
        try await withCheckedContinuation { continuation in
            submit(request) { continuation.resume(returning: $0) }
        }.get()
    }

    /// On an event loop, the batching decision waits for the end of the loop's current tick, so every
    /// request read in the same wake-up joins the batch (a request cannot be seen before it is read).
    private func scheduleFlush() {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return flush() }
        let schedule = state.withLock { state in
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule { loop.execute { self.flush() } }
    }

    private func flush() {
        let decision = state.withLock { state in
            state.flushScheduled = false
            return state.queue.next(now: clock.now)
        }
        switch decision {
        case .idle: return
        case .run(let batch):
            if let thread { thread.submit { _ in self.execute(batch) } } else { execute(batch) }
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
            state.withLock { $0.timerArmed = false }
            scheduleFlush()
        }
    }

    /// Runs one batch, answers every caller, then lets the next decision be taken.
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
        let depth = state.withLock { state in
            state.queue.finished()
            return state.queue.depth
        }
        metrics.queueDepth.set(to: Double(depth))
        for (index, pending) in batch.enumerated() {
            pending.completion(results.map { $0[index] })
        }
        scheduleFlush()
    }
}
