/// The batching decisions, free of threads and clocks so they can be tested with plain instants.
///
/// A batch runs when the executor is idle and one of these holds: it has `maxBatchSize` rows; its
/// oldest request has waited `maxDelay`; or every request the server has admitted for this model is
/// already queued, so waiting could not add anyone. The last rule keeps a lone caller from paying the
/// delay, while under load requests pile up behind the running batch and form full batches anyway.
struct BatchQueue<Item, Instant: InstantProtocol> where Instant.Duration == Duration {
    struct Entry {
        var item: Item
        var rows: Int
        var enqueued: Instant
    }

    enum Decision {
        case run([Item])
        case wait(until: Instant)
        case idle
    }

    let policy: BatchPolicy
    private(set) var entries: [Entry] = []
    private(set) var executorBusy = false
    /// Requests announced (being read or decoded) but not yet queued.
    private(set) var arriving = 0

    init(policy: BatchPolicy) {
        self.policy = policy
    }

    mutating func announce() { arriving += 1 }

    mutating func withdraw() { arriving = max(0, arriving - 1) }

    /// Queues an announced request; false when the queue is full (the caller answers 503).
    mutating func enqueue(_ item: Item, rows: Int, now: Instant) -> Bool {
        withdraw()
        guard entries.count < policy.queueCapacity else { return false }
        entries.append(Entry(item: item, rows: rows, enqueued: now))
        return true
    }

    /// Marks the executor free after a run.
    mutating func finished() { executorBusy = false }

    /// What to do now; a `.run` marks the executor busy until `finished()`.
    mutating func next(now: Instant) -> Decision {
        guard !executorBusy, let oldest = entries.first else { return .idle }
        let queuedRows = entries.reduce(0) { $0 + $1.rows }
        let deadline = oldest.enqueued.advanced(by: policy.maxDelay)
        guard queuedRows >= policy.maxBatchSize || now >= deadline || arriving == 0 else {
            return .wait(until: deadline)
        }
        executorBusy = true
        return .run(takeBatch())
    }

    private mutating func takeBatch() -> [Item] {
        var rows = 0
        var count = 0
        for entry in entries {
            if count > 0 && rows + entry.rows > policy.maxBatchSize { break }
            rows += entry.rows
            count += 1
        }
        let batch = entries.prefix(count).map(\.item)
        entries.removeFirst(count)
        return batch
    }

    var depth: Int { entries.count }
}
