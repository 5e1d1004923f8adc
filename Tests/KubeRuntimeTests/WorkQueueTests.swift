import KubeRuntime
import Testing

/// Yields until `condition` holds: waits on state, never on wall-clock time.
func eventually(_ what: String = "condition", _ condition: () async -> Bool) async {
    for _ in 0..<100_000 {
        if await condition() { return }
        await Task.yield()
    }
    Issue.record("timed out waiting for \(what)")
}

@Suite struct WorkQueueTests {
    func makeQueue(clock: ManualClock = ManualClock()) -> WorkQueue<String, ManualClock> {
        WorkQueue(name: "test", clock: clock, backoff: .init(base: .seconds(1), cap: .seconds(8)))
    }

    @Test func deduplicatesAndKeepsOrder() async {
        let queue = makeQueue()
        await queue.add("a")
        await queue.add("b")
        await queue.add("a")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
    }

    @Test func aKeyInProcessingIsNotHandedOutAgainButRequeuedAfterDone() async {
        let queue = makeQueue()
        await queue.add("a")
        let first = await queue.next()
        #expect(first == "a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.next() == "b")  // not "a": it is still being processed
        await queue.done("a")
        #expect(await queue.next() == "a")
    }

    @Test func delayedKeysAppearWhenTheClockReachesThem() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        await queue.add("late", after: .seconds(10))
        await queue.add("early", after: .seconds(2))
        await queue.add("late", after: .seconds(30))  // later deadline loses to the pending one
        #expect(await queue.depth == 0)
        await eventually("timer armed") { clock.sleeperCount == 1 }
        clock.advance(by: .seconds(2))
        await eventually("early promoted") { await queue.depth == 1 }
        #expect(await queue.next() == "early")
        await eventually("timer re-armed") { clock.sleeperCount == 1 }
        clock.advance(by: .seconds(8))
        await eventually("late promoted") { await queue.depth == 1 }
        #expect(await queue.next() == "late")
    }

    @Test func failuresBackOffExponentiallyUpToTheCap() {
        let backoff = WorkQueue<String, ManualClock>.Backoff(base: .seconds(1), cap: .seconds(8))
        #expect((1...6).map { backoff.delay(failures: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test func rateLimitedAddsCountFailuresUntilForgotten() async {
        let clock = ManualClock()
        let queue = makeQueue(clock: clock)
        await queue.addRateLimited("k")
        await queue.addRateLimited("k")
        #expect(await queue.failureCount("k") == 2)
        await eventually { clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(999))
        #expect(await queue.depth == 0)
        clock.advance(by: .milliseconds(1))
        await eventually("retry promoted") { await queue.depth == 1 }
        await queue.forget("k")
        #expect(await queue.failureCount("k") == 0)
    }

    @Test func shutdownReleasesWaiters() async {
        let queue = makeQueue()
        async let waiting = queue.next()
        await eventually { true }
        await queue.shutdown()
        #expect(await waiting == nil)
        await queue.add("ignored")
        #expect(await queue.next() == nil)
    }
}
