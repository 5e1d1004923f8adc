import KubeClient

/// `spec.rollout.canary`: how a new revision reaches production in steps, judged on live metrics.
///
/// Not yet accepted by the CRD schema: it joins `spec.rollout.strategy` once the reconciler carries it out
/// end to end (issue 15), so that no field is accepted that does nothing.
public struct CanaryStrategy: Codable, Sendable, Hashable {
    public var steps: [CanaryStep]
    public var analysis: CanaryAnalysis?
    /// What happens when the analysis fails; Abort when absent.
    public var onFailure: OnFailure?
    /// Canary replicas while it takes traffic; derived from the weight and the stable's replicas when absent.
    public var replicas: Int?

    public init(steps: [CanaryStep], analysis: CanaryAnalysis? = nil, onFailure: OnFailure? = nil, replicas: Int? = nil) {
        self.steps = steps
        self.analysis = analysis
        self.onFailure = onFailure
        self.replicas = replicas
    }
}

/// One step: exactly one of its fields is set.
public struct CanaryStep: Codable, Sendable, Hashable {
    public struct Pause: Codable, Sendable, Hashable {
        /// A duration such as 30s or 2m; absent, the rollout waits for `kubectl modelship promote`.
        public var duration: String?
        public init(duration: String? = nil) { self.duration = duration }
    }
    public struct Analysis: Codable, Sendable, Hashable {
        /// Analysis intervals that must succeed at the current weight before the next step; 3 when absent.
        public var successes: Int?
        public init(successes: Int? = nil) { self.successes = successes }
    }

    /// Percentage of requests sent to the canary.
    public var setWeight: Int?
    public var pause: Pause?
    public var analysis: Analysis?

    public init(setWeight: Int? = nil, pause: Pause? = nil, analysis: Analysis? = nil) {
        self.setWeight = setWeight
        self.pause = pause
        self.analysis = analysis
    }

    public static func weight(_ weight: Int) -> CanaryStep { CanaryStep(setWeight: weight) }
    public static func pause(_ duration: String? = nil) -> CanaryStep { CanaryStep(pause: .init(duration: duration)) }
    public static func analysis(successes: Int? = nil) -> CanaryStep { CanaryStep(analysis: .init(successes: successes)) }
}

public enum OnFailure: String, Codable, Sendable, Hashable {
    /// Traffic back to the stable, the canary scaled to zero, phase Degraded until the spec changes or `retry`.
    case abort = "Abort"
    /// Hold at the current weight for a human.
    case pause = "Pause"
    /// Back to the previous weight and analyse again.
    case stepBack = "StepBack"
}

/// Measurements taken every interval while the canary takes traffic (and required to pass by `analysis` steps).
public struct CanaryAnalysis: Codable, Sendable, Hashable {
    /// A duration such as 30s or 1m: how often, and the PromQL range of the built-in metrics; 1m when absent.
    public var interval: String?
    /// Failed intervals tolerated in a step before `onFailure`; 1 when absent (the second failure acts).
    public var failureLimit: Int?
    /// Inconclusive intervals in a row tolerated before the rollout pauses; 3 when absent.
    public var inconclusiveLimit: Int?
    /// Fewer requests than this in an interval's window is inconclusive, never a verdict; 50 when absent.
    public var minSamples: Int?
    public var prometheus: PrometheusSource
    public var metrics: [AnalysisMetric]

    public init(interval: String? = nil, failureLimit: Int? = nil, inconclusiveLimit: Int? = nil, minSamples: Int? = nil,
                prometheus: PrometheusSource, metrics: [AnalysisMetric]) {
        self.interval = interval
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.minSamples = minSamples
        self.prometheus = prometheus
        self.metrics = metrics
    }

    public static let defaultInterval = "1m"
    public static let defaultFailureLimit = 1
    public static let defaultInconclusiveLimit = 3
    public static let defaultMinSamples = 50
}

public struct PrometheusSource: Codable, Sendable, Hashable {
    /// The base URL of Prometheus's HTTP API, e.g. http://prometheus.monitoring:9090.
    public var address: String
    public init(address: String) { self.address = address }
}

/// A built-in metric (`success-rate`, `error-rate`, `latency-p99`) or a custom PromQL `query` with
/// `{{namespace}}`, `{{name}}`, `{{version}}` and `{{interval}}` placeholders; exactly one of `min` and `max`.
public struct AnalysisMetric: Codable, Sendable, Hashable {
    public var name: String
    public var query: String?
    public var min: Double?
    public var max: Double?

    public init(name: String, query: String? = nil, min: Double? = nil, max: Double? = nil) {
        self.name = name
        self.query = query
        self.min = min
        self.max = max
    }

    public static let builtIn = ["success-rate", "error-rate", "latency-p99"]
}

/// `status.canary`: where a canary rollout stands. All progress lives here, so a restarted operator resumes.
public struct CanaryStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, Hashable {
        case progressing = "Progressing"
        case paused = "Paused"
        case aborted = "Aborted"
        /// Every step passed: the stable takes the canary's template.
        case promoting = "Promoting"
    }

    /// The pod template hash the canary runs.
    public var revision: String
    public var modelVersion: String?
    public var modelURI: String?
    public var state: State
    public var stepIndex: Int
    public var stepStartedAt: String?
    /// The weight the steps have set (what is in effect is `status.traffic`).
    public var weight: Int
    /// Why it is paused or aborted, in words on-call can act on.
    public var message: String?

    public init(revision: String, modelVersion: String? = nil, modelURI: String? = nil, state: State = .progressing,
                stepIndex: Int = 0, stepStartedAt: String? = nil, weight: Int = 0, message: String? = nil) {
        self.revision = revision
        self.modelVersion = modelVersion
        self.modelURI = modelURI
        self.state = state
        self.stepIndex = stepIndex
        self.stepStartedAt = stepStartedAt
        self.weight = weight
        self.message = message
    }
}

/// `status.analysis`: the counts of the current step and a bounded window of recent measurements.
public struct AnalysisStatus: Codable, Sendable, Hashable {
    public var successes: Int
    public var failures: Int
    /// Inconclusive intervals in a row.
    public var inconclusives: Int
    public var lastMeasuredAt: String?
    public var measurements: [AnalysisMeasurement]
    public var message: String?

    public init(successes: Int = 0, failures: Int = 0, inconclusives: Int = 0, lastMeasuredAt: String? = nil,
                measurements: [AnalysisMeasurement] = [], message: String? = nil) {
        self.successes = successes
        self.failures = failures
        self.inconclusives = inconclusives
        self.lastMeasuredAt = lastMeasuredAt
        self.measurements = measurements
        self.message = message
    }

    /// How many measurements status keeps.
    public static let window = 10
}

public struct AnalysisMeasurement: Codable, Sendable, Hashable {
    public var time: String
    public var metric: String
    public var query: String?
    public var value: Double?
    public var threshold: String
    public var samples: Double?
    public var verdict: String
    public var reason: String

    public init(time: String, metric: String, query: String? = nil, value: Double?, threshold: String, samples: Double?,
                verdict: String, reason: String) {
        self.time = time
        self.metric = metric
        self.query = query
        self.value = value
        self.threshold = threshold
        self.samples = samples
        self.verdict = verdict
        self.reason = reason
    }
}
