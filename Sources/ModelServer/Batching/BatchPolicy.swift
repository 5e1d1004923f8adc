/// When queued requests for one model run together.
public struct BatchPolicy: Sendable, Equatable {
    /// Most rows (first-dimension entries) in one run. A single larger request still runs, alone.
    public var maxBatchSize: Int
    /// Longest a queued request waits for others to join it.
    public var maxDelay: Duration
    /// Requests that may wait at once; beyond it callers get 503 with Retry-After.
    public var queueCapacity: Int

    public init(maxBatchSize: Int = 32, maxDelay: Duration = .milliseconds(5), queueCapacity: Int = 1024) {
        self.maxBatchSize = maxBatchSize
        self.maxDelay = maxDelay
        self.queueCapacity = queueCapacity
    }

    /// One request per run, for models whose first dimension is not a batch dimension.
    public var unbatched: BatchPolicy {
        BatchPolicy(maxBatchSize: 1, maxDelay: .zero, queueCapacity: queueCapacity)
    }
}
