import KubeClient
import KubeRuntime
import Synchronization
import Testing

@Suite struct RateLimiterTests {
    @Test func burstThenQPSWithAnInjectedClock() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(qps: 2, burst: 3, clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }  // the burst passes at once
        let passed = Mutex(0)
        let waiter = Task {
            try await limiter.acquire()
            passed.withLock { $0 += 1 }
        }
        await eventually("the fourth request waits") { clock.sleeperCount == 1 }
        #expect(passed.withLock { $0 } == 0)
        clock.advance(by: .milliseconds(499))
        #expect(passed.withLock { $0 } == 0)
        clock.advance(by: .milliseconds(1))  // 2 QPS: one token per 500 ms
        try await waiter.value
        #expect(passed.withLock { $0 } == 1)
    }

    @Test func zeroQPSDisablesLimiting() async throws {
        let limiter = RateLimiter(qps: 0, burst: 1, clock: ManualClock())
        for _ in 0..<1000 { try await limiter.acquire() }
    }
}
