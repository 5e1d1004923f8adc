import Foundation
import KubeClient
import ModelshipAPI
import ModelshipShared
import Testing
@testable import ModelshipController

/// The canary state machine, transition by transition, with an injected time and no cluster.
@Suite struct RolloutPlannerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let model = ModelSource(uri: "s3://models/iris/2/model.onnx", version: "2")
    static let analysis = CanaryAnalysis(interval: "30s", failureLimit: 1, inconclusiveLimit: 2, minSamples: 10,
                                         prometheus: .init(address: "http://prometheus:9090"),
                                         metrics: [.init(name: "success-rate", min: 0.99)])
    static let steps: [CanaryStep] = [.weight(20), .pause("1m"), .analysis(successes: 2), .weight(50), .pause(), .weight(80)]
    static let strategy = CanaryStrategy(steps: steps, analysis: analysis)

    func observe(_ seconds: TimeInterval = 0, ready: Int = 0, total: Int = 5, verdicts: [MetricVerdict]? = nil,
                 command: RolloutPlanner.Command? = nil, desired: String = "new", stable: String? = "old",
                 stableRolledOut: String? = "old") -> RolloutPlanner.Observations {
        RolloutPlanner.Observations(desiredRevision: desired, desiredModel: Self.model, stableRevision: stable,
                                    stableRolledOutRevision: stableRolledOut, canaryReadyReplicas: ready, totalReplicas: total,
                                    verdicts: verdicts, command: command, now: Self.t0.addingTimeInterval(seconds))
    }

    func verdict(_ verdict: Verdict, value: Double? = 0.5) -> MetricVerdict {
        MetricVerdict(metric: "success-rate", value: value, threshold: .min(0.99), samples: 100, verdict: verdict, reason: "success-rate \(verdict)")
    }

    func canary(step: Int, weight: Int, state: CanaryStatus.State = .progressing, startedAt seconds: TimeInterval = 0) -> CanaryStatus {
        CanaryStatus(revision: "new", modelVersion: "2", modelURI: Self.model.uri, state: state, stepIndex: step,
                     stepStartedAt: KubeTime.format(Self.t0.addingTimeInterval(seconds)), weight: weight)
    }

    func plan(_ previous: CanaryStatus?, _ analysis: AnalysisStatus?, strategy: CanaryStrategy? = strategy,
              _ observations: RolloutPlanner.Observations) -> RolloutPlanner.Plan {
        RolloutPlanner.plan(strategy: strategy, canary: previous, analysis: analysis, observations)
    }

    func plan(_ previous: CanaryStatus?, strategy: CanaryStrategy? = strategy, _ observations: RolloutPlanner.Observations) -> RolloutPlanner.Plan {
        plan(previous, nil, strategy: strategy, observations)
    }

    @Test func theFirstVersionAndRollingUpdatesGoStraightToTheStable() {
        #expect(plan(nil, observe(stable: nil)).stableTakesDesired)
        #expect(plan(nil, observe(stable: nil)).canary == nil)
        #expect(plan(nil, strategy: nil, observe()).stableTakesDesired)
        #expect(plan(nil, observe(desired: "old")).canary == nil)
    }

    @Test func aNewRevisionStartsACanaryAtItsFirstWeight() {
        let started = plan(nil, observe())
        #expect(!started.stableTakesDesired)
        #expect(started.canary?.state == .progressing && started.canary?.weight == 20 && started.canary?.stepIndex == 0)
        #expect(started.split == ReplicaSplit(stable: 4, canary: 1))
        #expect(started.events.map(\.reason) == ["CanaryStarted", "CanaryWeight"])
        // Once the canary's pod for that weight is ready, the pause begins and asks to be woken at its end.
        let pausing = plan(started.canary, started.analysis, observe(5, ready: 1))
        #expect(pausing.canary?.stepIndex == 1 && pausing.requeueAfter != nil)
        #expect(pausing.requeueAfter! <= .seconds(60))
    }

    @Test func aTimedPauseEndsOnTimeAndAnAnalysisStepNeedsItsSuccesses() {
        let paused = canary(step: 1, weight: 20)
        #expect(plan(paused, observe(59, ready: 1)).canary?.stepIndex == 1)
        let analysing = plan(paused, observe(60, ready: 1))
        #expect(analysing.canary?.stepIndex == 2 && analysing.analysing)
        // One success is not enough for successes: 2; the second passes the step and sets the next weight.
        let once = plan(analysing.canary, analysing.analysis, observe(90, ready: 1, verdicts: [verdict(.success, value: 1)]))
        #expect(once.canary?.stepIndex == 2 && once.analysis?.successes == 1)
        let twice = plan(once.canary, once.analysis, observe(120, ready: 1, verdicts: [verdict(.success, value: 1)]))
        #expect(twice.canary?.stepIndex == 3 && twice.canary?.weight == 50)
        #expect(twice.split == ReplicaSplit(stable: 2, canary: 3))
        #expect(twice.analysis?.measurements.count == 2)
    }

    @Test func aPauseWithoutDurationWaitsForAHuman() {
        let held = plan(canary(step: 4, weight: 50), observe(ready: 3))
        #expect(held.canary?.state == .paused && held.events.map(\.reason) == ["CanaryPaused"])
        // Nothing changes without a command (and the pause is not announced twice).
        let again = plan(held.canary, held.analysis, observe(600, ready: 3))
        #expect(again.canary == held.canary && again.events.isEmpty)
        let resumed = plan(held.canary, held.analysis, observe(601, ready: 3, command: .resume))
        #expect(resumed.canary?.state == .progressing && resumed.canary?.stepIndex == 5 && resumed.canary?.weight == 80)
    }

    @Test func afterTheLastStepTheStableTakesTheCanaryAndTheCanaryGoesOnlyOnceItRolledOut() {
        let last = plan(canary(step: 5, weight: 80), observe(ready: 4))
        #expect(last.canary?.state == .promoting && last.stableTakesDesired)
        #expect(last.split.canary == 4)  // the canary keeps serving while the stable rolls
        let rolling = plan(last.canary, last.analysis, observe(10, ready: 4, stableRolledOut: nil))
        #expect(rolling.canary?.state == .promoting && rolling.stableTakesDesired)
        let done = plan(rolling.canary, rolling.analysis, observe(20, ready: 4, stableRolledOut: "new"))
        #expect(done.canary == nil && done.split == ReplicaSplit(stable: 5, canary: 0))
        #expect(done.events.map(\.reason) == ["CanaryPromoted"])
    }

    @Test(arguments: [OnFailure.abort, .pause, .stepBack])
    func failuresBeyondTheLimitApplyOnFailure(_ onFailure: OnFailure) {
        var strategy = Self.strategy
        strategy.onFailure = onFailure
        let atFifty = canary(step: 4, weight: 50)
        let first = plan(atFifty, strategy: strategy, observe(ready: 3, verdicts: [verdict(.failure)]))
        #expect(first.canary?.state == .paused)  // one failure is within failureLimit 1 (this step is a manual pause)
        #expect(first.analysis?.failures == 1)
        let second = plan(first.canary, first.analysis, strategy: strategy, observe(30, ready: 3, verdicts: [verdict(.failure)]))
        switch onFailure {
        case .abort:
            #expect(second.canary?.state == .aborted && second.split.canary == 0 && !second.stableTakesDesired)
            #expect(second.events.last?.reason == "CanaryAborted" && second.events.last?.warning == true)
            #expect(second.events.last?.message.contains("success-rate") == true)
        case .pause:
            #expect(second.canary?.state == .paused && second.canary?.message?.contains("failed analysis") == true)
            #expect(second.split.canary == 3)  // held at its weight for a human
        case .stepBack:
            #expect(second.canary?.weight == 20 && second.canary?.stepIndex == 1)
            #expect(second.analysis?.failures == 0 && second.events.map(\.reason).contains("CanaryStepBack"))
        }
    }

    @Test func inconclusiveNeverPromotesNorAbortsButPausesBeyondItsLimit() {
        var current = plan(canary(step: 2, weight: 20), observe(ready: 1))
        for interval in 1...3 {
            current = plan(current.canary, current.analysis, observe(Double(interval) * 30, ready: 1, verdicts: [verdict(.inconclusive, value: nil)]))
            #expect(current.canary?.stepIndex == 2)  // never past the analysis step
            #expect(current.canary?.state != .aborted)
        }
        #expect(current.canary?.state == .paused && current.events.map(\.reason) == ["AnalysisInconclusive"])
        #expect(current.canary?.message?.contains("inconclusive") == true)
    }

    @Test func anAbortedCanaryStaysAbortedUntilRetryOrANewRevision() {
        let aborted = canary(step: 3, weight: 0, state: .aborted)
        let stays = plan(aborted, observe(100, ready: 0))
        #expect(stays.canary?.state == .aborted && stays.events.isEmpty && stays.split.canary == 0)
        let retried = plan(aborted, observe(100, ready: 0, command: .retry))
        #expect(retried.canary?.state == .progressing && retried.canary?.stepIndex == 0 && retried.canary?.weight == 20)
        let newer = plan(aborted, observe(100, desired: "newer"))
        #expect(newer.canary?.revision == "newer" && newer.events.first?.reason == "CanaryStarted")
    }

    @Test func aNewerRevisionRestartsAndARevertAbortsAtOnce() {
        let running = canary(step: 3, weight: 50)
        let restarted = plan(running, observe(desired: "newer"))
        #expect(restarted.canary?.revision == "newer" && restarted.canary?.weight == 20)
        #expect(restarted.events.first?.reason == "CanaryRestarted")
        let reverted = plan(running, observe(desired: "old"))
        #expect(reverted.canary == nil && reverted.split.canary == 0 && reverted.stableTakesDesired)
        #expect(reverted.events.map(\.reason) == ["CanaryAborted"])
    }

    @Test func commandsActOnlyWhereTheyApply() {
        let running = canary(step: 1, weight: 20)
        #expect(plan(running, observe(ready: 1, command: .abort)).canary?.state == .aborted)
        #expect(plan(running, observe(ready: 1, command: .pause)).canary?.state == .paused)
        #expect(plan(running, observe(ready: 1, command: .promoteFull)).canary?.state == .promoting)
        let promoted = plan(running, observe(ready: 1, command: .promote))
        #expect(promoted.canary?.stepIndex == 2)
        // Resume on a running canary and retry on a live one change nothing.
        #expect(plan(running, observe(5, ready: 1, command: .resume)) == plan(running, observe(5, ready: 1)))
        #expect(plan(running, observe(5, ready: 1, command: .retry)) == plan(running, observe(5, ready: 1)))
    }

    @Test func theWindowKeepsTheMostRecentMeasurements() {
        var current = plan(canary(step: 2, weight: 20), observe(ready: 1))
        for interval in 1...(AnalysisStatus.window + 3) {
            let verdicts = [verdict(.success, value: Double(interval))]
            current = plan(current.canary, current.analysis, strategy: CanaryStrategy(steps: [.weight(20), .pause(), .analysis(successes: 100)], analysis: Self.analysis),
                           observe(Double(interval) * 30, ready: 1, verdicts: verdicts))
        }
        #expect(current.analysis?.measurements.count == AnalysisStatus.window)
        #expect(current.analysis?.measurements.last?.value == Double(AnalysisStatus.window + 3))
    }

    @Test(arguments: [(5, 20, nil, 4, 1, 20), (1, 10, nil, 1, 1, 50), (10, 50, nil, 5, 5, 50), (3, 0, nil, 3, 0, 0),
                      (3, 100, nil, 0, 3, 100), (4, 25, 2, 4, 2, 33)] as [(Int, Int, Int?, Int, Int, Int)])
    func replicaSplitsAreAsCloseAsWholePodsAllow(_ total: Int, _ weight: Int, _ fixed: Int?, _ stable: Int, _ canary: Int, _ effective: Int) {
        let split = ReplicaSplit.of(total: total, weight: weight, fixedCanary: fixed)
        #expect(split == ReplicaSplit(stable: stable, canary: canary))
        #expect(split.effectiveWeight == effective)
    }

    @Test(arguments: [("30s", Duration.seconds(30)), ("2m", .seconds(120)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
                      ("1m30s", .seconds(90)), ("5us", .microseconds(5))] as [(String, Duration)])
    func durationsReadAsGoWritesThem(_ text: String, _ expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "m", "1.5m", "-1s", "1d", "1m 30s", "s30"])
    func notDurations(_ text: String) {
        #expect(GoDuration.parse(text) == nil)
    }
}
