/// A token bucket, like client-go's: `qps` tokens a second, at most `burst` saved up.
public actor RateLimiter<C: Clock> where C.Duration == Duration {
    let qps: Double
    let burst: Double
    let clock: C
    private var tokens: Double
    private var last: C.Instant

    public init(qps: Double, burst: Int, clock: C) {
        self.qps = qps
        self.burst = Double(max(burst, 1))
        self.clock = clock
        self.tokens = Double(max(burst, 1))
        self.last = clock.now
    }

    /// Waits until a token is available and takes it. A non-positive qps disables limiting.
    public func acquire() async throws {
        guard qps > 0 else { return }
        refill()
        tokens -= 1
        if tokens >= 0 { return }
        // Reserve the token now and wait for it to be earned, so waiters are served in order.
        let wait = Duration.seconds(-tokens / qps)
        try await clock.sleep(until: clock.now.advanced(by: wait), tolerance: nil)
    }

    private func refill() {
        let now = clock.now
        let elapsed = last.duration(to: now)
        last = now
        tokens = min(burst, tokens + elapsed.seconds * qps)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
