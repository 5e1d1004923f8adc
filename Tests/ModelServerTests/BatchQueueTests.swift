import KubeRuntime
import Testing
@testable import ModelServer

@Suite("Batching decisions")
struct BatchQueueTests {
    typealias Queue = BatchQueue<String, ManualClock.Instant>
    let start = ManualClock().now

    @Test func aLoneRequestRunsAtOnce() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 8, maxDelay: .milliseconds(5)))
        queue.announce()
        let accepted = queue.enqueue("a", rows: 1, now: start)
        #expect(accepted)
        guard case .run(let batch) = queue.next(now: start) else { Issue.record("expected a run"); return }
        #expect(batch == ["a"])
    }

    @Test func waitsForAnnouncedRequestsUntilTheDelay() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 8, maxDelay: .milliseconds(5)))
        queue.announce(); queue.announce()
        let accepted = queue.enqueue("a", rows: 1, now: start)
        #expect(accepted)
        guard case .wait(let deadline) = queue.next(now: start) else { Issue.record("expected a wait"); return }
        #expect(deadline == start.advanced(by: .milliseconds(5)))
        guard case .run(let batch) = queue.next(now: deadline) else { Issue.record("expected a run at the deadline"); return }
        #expect(batch == ["a"])
    }

    @Test func runsWhenTheLastAnnouncedRequestArrives() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 8, maxDelay: .seconds(1)))
        queue.announce(); queue.announce()
        _ = queue.enqueue("a", rows: 2, now: start)
        _ = queue.enqueue("b", rows: 3, now: start)
        guard case .run(let batch) = queue.next(now: start) else { Issue.record("expected a run"); return }
        #expect(batch == ["a", "b"])
    }

    @Test func requestsPileUpBehindARunAndSplitByRows() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 4, maxDelay: .seconds(1)))
        queue.announce()
        _ = queue.enqueue("first", rows: 1, now: start)
        guard case .run = queue.next(now: start) else { Issue.record("expected a run"); return }
        for name in ["a", "b", "c", "d", "e"] {
            queue.announce()
            _ = queue.enqueue(name, rows: 1, now: start)
            guard case .idle = queue.next(now: start) else { Issue.record("the executor is busy"); return }
        }
        queue.finished()
        guard case .run(let full) = queue.next(now: start) else { Issue.record("expected a full batch"); return }
        #expect(full == ["a", "b", "c", "d"])
        queue.finished()
        guard case .run(let rest) = queue.next(now: start) else { Issue.record("expected the rest"); return }
        #expect(rest == ["e"])
    }

    @Test func anOversizedRequestRunsAlone() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 4, maxDelay: .zero))
        queue.announce(); queue.announce()
        _ = queue.enqueue("big", rows: 10, now: start)
        _ = queue.enqueue("small", rows: 1, now: start)
        guard case .run(let batch) = queue.next(now: start) else { Issue.record("expected a run"); return }
        #expect(batch == ["big"])
    }

    @Test func aFullQueueRefuses() {
        var queue = Queue(policy: BatchPolicy(maxBatchSize: 1, maxDelay: .zero, queueCapacity: 2))
        for name in ["a", "b"] {
            queue.announce()
            let accepted = queue.enqueue(name, rows: 1, now: start)
            #expect(accepted)
        }
        queue.announce()
        let refused = !queue.enqueue("c", rows: 1, now: start)
        #expect(refused)
        #expect(queue.depth == 2)
        #expect(queue.arriving == 0)
    }
}
