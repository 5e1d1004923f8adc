import Foundation
import KubeClient
import ModelshipAPI
import ModelshipShared

/// Decides the next move of a canary rollout. Pure: (strategy, previous status, what the reconciler observed,
/// now) -> plan, so every transition is a table row tested without a cluster or a clock. All progress lives in
/// the status it returns; nothing is remembered between calls.
public enum RolloutPlanner {
    /// Actions a human asks for through `kubectl modelship` (annotations the reconciler reads).
    public enum Command: String, Sendable, CaseIterable {
        /// Past the current step (a pause without duration, or a failed or inconclusive analysis).
        case promote
        /// Straight to promotion, skipping the remaining steps.
        case promoteFull
        case abort
        case pause
        case resume
        /// Start an aborted rollout again from the first step.
        case retry
    }

    public struct Observations: Sendable {
        /// The pod template hash the spec asks for, and its model.
        public var desiredRevision: String
        public var desiredModel: ModelSource
        /// The revision the stable runs fully rolled out (`status.stable.revision`); nil before the first one.
        public var stableRevision: String?
        /// The revision the stable Deployment runs rolled out right now (nil while it rolls).
        public var stableRolledOutRevision: String?
        /// Ready canary pods running the canary's revision.
        public var canaryReadyReplicas: Int
        /// The stable's replicas outside a rollout.
        public var totalReplicas: Int
        /// This reconcile's measurement, when one was due and taken.
        public var verdicts: [MetricVerdict]?
        public var command: Command?
        public var now: Date

        public init(desiredRevision: String, desiredModel: ModelSource, stableRevision: String?, stableRolledOutRevision: String?,
                    canaryReadyReplicas: Int = 0, totalReplicas: Int = 1, verdicts: [MetricVerdict]? = nil,
                    command: Command? = nil, now: Date) {
            self.desiredRevision = desiredRevision
            self.desiredModel = desiredModel
            self.stableRevision = stableRevision
            self.stableRolledOutRevision = stableRolledOutRevision
            self.canaryReadyReplicas = canaryReadyReplicas
            self.totalReplicas = totalReplicas
            self.verdicts = verdicts
            self.command = command
            self.now = now
        }
    }

    public struct PlannedEvent: Sendable, Equatable {
        public var warning: Bool
        public var reason: String
        public var message: String
    }

    public struct Plan: Sendable, Equatable {
        /// Whether the stable Deployment gets the spec's template now (no rollout, or promotion) or keeps its own.
        public var stableTakesDesired: Bool
        public var canary: CanaryStatus?
        public var analysis: AnalysisStatus?
        /// Stable and canary replicas for the weight the steps set.
        public var split: ReplicaSplit
        /// When the reconciler should look again although nothing changes (a pause's end, the next measurement).
        public var requeueAfter: Duration?
        public var events: [PlannedEvent]

        /// True while a measurement should be taken each interval: the canary takes traffic and is not held.
        public var analysing: Bool {
            guard let canary, split.canary > 0 else { return false }
            return canary.state == .progressing || canary.state == .paused
        }
    }

    /// No rollout in flight: the stable takes the spec as it is.
    static func plain(_ observations: Observations, events: [PlannedEvent] = []) -> Plan {
        Plan(stableTakesDesired: true, canary: nil, analysis: nil,
             split: ReplicaSplit.of(total: observations.totalReplicas, weight: 0), requeueAfter: nil, events: events)
    }

    public static func plan(strategy: CanaryStrategy?, canary previous: CanaryStatus?, analysis: AnalysisStatus?,
                            _ observations: Observations) -> Plan {
        let desired = observations.desiredRevision
        // The first version, or a spec without canary steps: nothing to compare against, roll it out as is.
        guard let strategy, let stable = observations.stableRevision else { return plain(observations) }
        if desired == stable {
            guard let previous, previous.state != .aborted else { return plain(observations) }
            if previous.state == .promoting {
                return plain(observations, events: [.init(warning: false, reason: "CanaryPromoted",
                                                          message: "Model version \(previous.modelVersion ?? "?") is the stable version")])
            }
            return plain(observations, events: [.init(warning: true, reason: "CanaryAborted",
                                                      message: "The spec went back to the stable revision: canary \(previous.modelVersion ?? "?") stopped")])
        }
        var state = Walk(strategy: strategy, observations: observations, analysis: analysis ?? AnalysisStatus())
        if let previous, previous.revision == desired {
            state.canary = previous
        } else {
            state.start(replacing: previous)
        }
        state.apply(observations.command)
        state.record(observations.verdicts)
        state.advance()
        return state.plan()
    }
}

/// One planning pass over a rollout: mutable working state, consumed by `plan()`.
struct Walk {
    let strategy: CanaryStrategy
    let observations: RolloutPlanner.Observations
    var analysis: AnalysisStatus
    var canary = CanaryStatus(revision: "")
    var events: [RolloutPlanner.PlannedEvent] = []
    var requeueAfter: Duration?
    var now: String { KubeTime.format(observations.now) }

    init(strategy: CanaryStrategy, observations: RolloutPlanner.Observations, analysis: AnalysisStatus) {
        self.strategy = strategy
        self.observations = observations
        self.analysis = analysis
    }

    var settings: CanaryAnalysis? { strategy.analysis }
    var interval: Duration { settings?.interval.flatMap(GoDuration.parse) ?? .seconds(60) }
    var split: ReplicaSplit {
        guard canary.state != .aborted else { return ReplicaSplit.of(total: observations.totalReplicas, weight: 0) }
        return ReplicaSplit.of(total: observations.totalReplicas, weight: canary.weight, fixedCanary: strategy.replicas)
    }

    mutating func event(_ reason: String, _ message: String, warning: Bool = false) {
        events.append(.init(warning: warning, reason: reason, message: message))
    }

    mutating func start(replacing previous: CanaryStatus?) {
        let model = observations.desiredModel
        canary = CanaryStatus(revision: observations.desiredRevision, modelVersion: model.version, modelURI: URIRedaction.redacted(model.uri),
                              state: .progressing, stepIndex: 0, stepStartedAt: now, weight: 0)
        analysis = AnalysisStatus()
        if let previous, previous.state != .aborted {
            event("CanaryRestarted", "A newer revision replaces canary \(previous.modelVersion ?? "?"): starting again with model version \(model.version)")
        } else {
            event("CanaryStarted", "Canary of model version \(model.version) started (\(strategy.steps.count) steps)")
        }
    }

    mutating func enterStep(_ index: Int) {
        canary.stepIndex = index
        canary.stepStartedAt = now
        canary.message = nil
        analysis.successes = 0
        analysis.failures = 0
        analysis.inconclusives = 0
    }

    mutating func pause(_ message: String, reason: String, warning: Bool) {
        guard canary.state != .paused || canary.message != message else { return }
        canary.state = .paused
        canary.message = message
        event(reason, message, warning: warning)
    }

    mutating func apply(_ command: RolloutPlanner.Command?) {
        guard let command else { return }
        switch (command, canary.state) {
        case (.abort, .progressing), (.abort, .paused):
            abort("Aborted by a user (kubectl modelship abort)")
        case (.pause, .progressing):
            pause("Paused by a user (kubectl modelship pause)", reason: "CanaryPaused", warning: false)
        case (.resume, .paused):
            canary.state = .progressing
            canary.message = nil
            analysis.inconclusives = 0
            // A pause step without duration waits for a human: resuming passes it.
            if strategy.steps.indices.contains(canary.stepIndex), strategy.steps[canary.stepIndex].pause != nil {
                enterStep(canary.stepIndex + 1)
            }
            event("CanaryResumed", "Resumed by a user at step \(canary.stepIndex + 1) of \(strategy.steps.count)")
        case (.promote, .progressing), (.promote, .paused):
            canary.state = .progressing
            enterStep(canary.stepIndex + 1)
            event("CanaryStepPromoted", "Promoted past a step by a user: now at step \(canary.stepIndex + 1) of \(strategy.steps.count)")
        case (.promoteFull, .progressing), (.promoteFull, .paused):
            canary.state = .progressing
            enterStep(strategy.steps.count)
            event("CanaryFullyPromoted", "Promoted by a user, skipping the remaining steps")
        case (.retry, .aborted):
            canary.state = .progressing
            canary.weight = 0
            enterStep(0)
            event("CanaryRetried", "Retrying canary \(canary.modelVersion ?? "?") from the first step")
        default:
            break  // a command that does not apply to the current state changes nothing
        }
    }

    mutating func abort(_ message: String) {
        canary.state = .aborted
        canary.weight = 0
        canary.message = message
        event("CanaryAborted", "\(message); all traffic is back on the stable", warning: true)
    }

    /// Adds this interval's verdicts to the counts and the window, then applies what they call for.
    mutating func record(_ verdicts: [MetricVerdict]?) {
        guard let verdicts, canary.state == .progressing || canary.state == .paused else { return }
        analysis.lastMeasuredAt = now
        for verdict in verdicts {
            analysis.measurements.append(AnalysisMeasurement(
                time: now, metric: verdict.metric, value: verdict.value, threshold: verdict.threshold.description,
                samples: verdict.samples, verdict: verdict.verdict.rawValue, reason: verdict.reason))
        }
        analysis.measurements = Array(analysis.measurements.suffix(AnalysisStatus.window))
        var tally = AnalysisTally()
        (tally.successes, tally.failures, tally.inconclusives) = (analysis.successes, analysis.failures, analysis.inconclusives)
        tally.record(verdicts)
        (analysis.successes, analysis.failures, analysis.inconclusives) = (tally.successes, tally.failures, tally.inconclusives)
        let worst = verdicts.first { $0.verdict == .failure } ?? verdicts.first { $0.verdict == .inconclusive } ?? verdicts.first
        analysis.message = worst?.reason
        let failureLimit = settings?.failureLimit ?? CanaryAnalysis.defaultFailureLimit
        let inconclusiveLimit = settings?.inconclusiveLimit ?? CanaryAnalysis.defaultInconclusiveLimit
        switch tally.decision(failureLimit: failureLimit, inconclusiveLimit: inconclusiveLimit) {
        case .keepGoing: break
        case .failed: fail(because: worst?.reason ?? "the analysis failed")
        case .pauseInconclusive:
            pause("Paused: \(analysis.inconclusives) inconclusive analysis intervals in a row (\(worst?.reason ?? "no data"))",
                  reason: "AnalysisInconclusive", warning: true)
        }
    }

    mutating func fail(because reason: String) {
        switch strategy.onFailure ?? .abort {
        case .abort:
            abort("Analysis failed: \(reason)")
        case .pause:
            pause("Paused after a failed analysis: \(reason)", reason: "AnalysisFailed", warning: true)
        case .stepBack:
            let previousWeightStep = strategy.steps[..<min(canary.stepIndex, strategy.steps.count)].lastIndex { $0.setWeight != nil }
            let earlier = previousWeightStep.flatMap { index in strategy.steps[..<index].lastIndex { $0.setWeight != nil } }
            canary.state = .progressing
            canary.weight = earlier.flatMap { strategy.steps[$0].setWeight } ?? 0
            enterStep(earlier.map { $0 + 1 } ?? 0)
            event("CanaryStepBack", "Analysis failed: \(reason); back to weight \(canary.weight) to analyse again", warning: true)
        }
    }

    /// Walks the steps as far as the observations allow in this pass.
    mutating func advance() {
        while canary.state == .progressing {
            guard strategy.steps.indices.contains(canary.stepIndex) else {
                canary.state = .promoting
                event("CanaryPromoting", "Every step passed: model version \(canary.modelVersion ?? "?") becomes the stable")
                return
            }
            let step = strategy.steps[canary.stepIndex]
            if let weight = step.setWeight {
                if canary.weight != weight {
                    canary.weight = weight
                    event("CanaryWeight", "Step \(canary.stepIndex + 1) of \(strategy.steps.count): canary weight \(weight)%")
                }
                // The next step waits until the canary's pods for this weight are ready.
                guard observations.canaryReadyReplicas >= split.canary else { return }
                enterStep(canary.stepIndex + 1)
            } else if let pause = step.pause {
                guard let duration = pause.duration.flatMap(GoDuration.parse) else {
                    self.pause("Paused at step \(canary.stepIndex + 1) of \(strategy.steps.count) until kubectl modelship promote",
                               reason: "CanaryPaused", warning: false)
                    return
                }
                let ends = (canary.stepStartedAt.flatMap(KubeTime.parse) ?? observations.now).addingTimeInterval(duration.seconds)
                guard observations.now >= ends else {
                    wake(after: ends.timeIntervalSince(observations.now))
                    return
                }
                enterStep(canary.stepIndex + 1)
            } else {
                let needed = step.analysis?.successes ?? 3
                guard analysis.successes >= needed else { return }
                enterStep(canary.stepIndex + 1)
            }
        }
    }

    mutating func wake(after seconds: TimeInterval) {
        let duration = Duration.milliseconds(Int64((max(0, seconds) * 1000).rounded(.up)))
        requeueAfter = requeueAfter.map { min($0, duration) } ?? duration
    }

    mutating func plan() -> RolloutPlanner.Plan {
        let promoted = canary.state == .promoting && observations.stableRolledOutRevision == canary.revision
        if promoted {
            event("CanaryPromoted", "Model version \(canary.modelVersion ?? "?") is the stable version")
            return RolloutPlanner.Plan(stableTakesDesired: true, canary: nil, analysis: nil,
                                       split: ReplicaSplit.of(total: observations.totalReplicas, weight: 0), requeueAfter: nil,
                                       events: events)
        }
        var plan = RolloutPlanner.Plan(stableTakesDesired: canary.state == .promoting, canary: canary, analysis: analysis,
                                       split: split, requeueAfter: nil, events: events)
        if plan.analysing {
            let last = analysis.lastMeasuredAt.flatMap(KubeTime.parse)
            let due = last.map { $0.addingTimeInterval(interval.seconds) } ?? observations.now
            wake(after: due.timeIntervalSince(observations.now))
        }
        plan.requeueAfter = requeueAfter
        return plan
    }
}

extension Duration {
    var seconds: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
