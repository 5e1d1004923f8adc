import Metrics

/// The controller work queue, with the guarantees controller-runtime and kube-rs write down:
/// - a key is queued at most once (adds while queued are merged);
/// - a key being processed is never handed out again until `done`; adds meanwhile are remembered
///   and the key is queued again afterwards;
/// - delayed adds keep the earliest deadline; failures back off exponentially per key, with a cap;
/// - `next()` returns nil once the queue is shut down and drained of waiters.
public actor WorkQueue<Key: Hashable & Sendable, C: Clock> where C.Duration == Duration {
    public struct Backoff: Sendable {
        public var base: Duration
        public var cap: Duration
        public init(base: Duration = .milliseconds(5), cap: Duration = .seconds(300)) {
            self.base = base
            self.cap = cap
        }

        public func delay(failures: Int) -> Duration {
            guard failures > 0 else { return .zero }
            let exponent = min(failures - 1, 40)
            let seconds = base.secondsValue * Double(UInt64(1) << UInt64(exponent))
            return seconds >= cap.secondsValue ? cap : .nanoseconds(Int64(seconds * 1e9))
        }
    }

    let clock: C
    let backoff: Backoff
    let name: String
    private var ready: [Key] = []
    private var readySet: Set<Key> = []
    private var processing: Set<Key> = []
    /// Added while processing: queued again on `done`.
    private var dirty: Set<Key> = []
    private var delayed: [Key: C.Instant] = [:]
    private var failures: [Key: Int] = [:]
    private var addedAt: [Key: C.Instant] = [:]
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var timer: Task<Void, Never>?
    private var timerDeadline: C.Instant?
    private var isShutDown = false
    private let metrics: WorkQueueMetrics

    public init(name: String, clock: C, backoff: Backoff = .init(), metricsFactory: (any MetricsFactory)? = nil) {
        self.name = name
        self.clock = clock
        self.backoff = backoff
        self.metrics = WorkQueueMetrics(name: name, factory: metricsFactory)
    }

    public var depth: Int { ready.count }
    public var delayedCount: Int { delayed.count }

    /// Queues a key now.
    public func add(_ key: Key) {
        guard !isShutDown else { return }
        metrics.adds.increment()
        delayed[key] = nil
        if processing.contains(key) {
            dirty.insert(key)
            return
        }
        guard !readySet.contains(key) else { return }
        ready.append(key)
        readySet.insert(key)
        addedAt[key] = clock.now
        metrics.depth.record(ready.count)
        wakeWaiter()
    }

    /// Queues a key after `delay`; an earlier pending deadline for the same key wins.
    public func add(_ key: Key, after delay: Duration) {
        guard !isShutDown else { return }
        guard delay > .zero else { return add(key) }
        let deadline = clock.now.advanced(by: delay)
        if let existing = delayed[key], existing <= deadline { return }
        if readySet.contains(key) { return }
        delayed[key] = deadline
        armTimer()
    }

    /// Queues a key after its per-key exponential backoff; each call counts one more failure.
    public func addRateLimited(_ key: Key) {
        let count = (failures[key] ?? 0) + 1
        failures[key] = count
        metrics.retries.increment()
        add(key, after: backoff.delay(failures: count))
    }

    /// Forgets a key's failures (after a successful reconcile).
    public func forget(_ key: Key) { failures[key] = nil }

    public func failureCount(_ key: Key) -> Int { failures[key] ?? 0 }

    /// The next key to process; waits while the queue is empty; nil after shutdown.
    public func next() async -> Key? {
        if let key = popReady() { return key }
        if isShutDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks a key finished; if it was added meanwhile it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    /// Stops handing out keys: waiting `next()` calls return nil.
    public func shutdown() {
        isShutDown = true
        timer?.cancel()
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.resume(returning: nil) }
    }

    private func popReady() -> Key? {
        guard !ready.isEmpty else { return nil }
        let key = ready.removeFirst()
        readySet.remove(key)
        processing.insert(key)
        metrics.depth.record(ready.count)
        if let added = addedAt.removeValue(forKey: key) {
            metrics.latency.recordNanoseconds(added.duration(to: clock.now).nanosecondsValue)
        }
        return key
    }

    private func wakeWaiter() {
        guard !waiters.isEmpty, let key = popReady() else { return }
        waiters.removeFirst().resume(returning: key)
    }

    // MARK: Delayed keys

    private func armTimer() {
        guard let earliest = delayed.values.min() else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if let current = timerDeadline, current <= earliest, timer != nil { return }
        timer?.cancel()
        timerDeadline = earliest
        let clock = self.clock
        timer = Task { [weak self] in
            do { try await clock.sleep(until: earliest, tolerance: nil) } catch { return }
            await self?.promoteDue()
        }
    }

    private func promoteDue() {
        timer = nil
        timerDeadline = nil
        let now = clock.now
        let due = delayed.filter { $0.value <= now }.sorted { $0.value < $1.value }.map(\.key)
        for key in due {
            delayed[key] = nil
            add(key)
        }
        armTimer()
    }
}

struct WorkQueueMetrics: Sendable {
    let adds: Counter
    let retries: Counter
    let depth: Gauge
    let latency: Metrics.Timer

    init(name: String, factory: (any MetricsFactory)?) {
        let dimensions = [("name", name)]
        let factory = factory ?? MetricsSystem.factory
        adds = Counter(label: "workqueue_adds_total", dimensions: dimensions, factory: factory)
        retries = Counter(label: "workqueue_retries_total", dimensions: dimensions, factory: factory)
        depth = Gauge(label: "workqueue_depth", dimensions: dimensions, factory: factory)
        latency = Metrics.Timer(label: "workqueue_queue_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds,
                                factory: factory)
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
