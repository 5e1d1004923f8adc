import Foundation

/// What one analysis interval measured for one metric, as the metrics provider answered.
public enum Measurement: Sendable, Equatable {
    case value(Double)
    /// The query returned no series (no traffic yet, or a wrong label).
    case noData
    /// Prometheus could not be asked or refused the query.
    case providerError(String)
}

/// The bound a metric must respect.
public enum Threshold: Sendable, Equatable, CustomStringConvertible {
    case min(Double)
    case max(Double)

    public var description: String {
        switch self {
        case .min(let bound): ">= \(bound)"
        case .max(let bound): "<= \(bound)"
        }
    }
}

public enum Verdict: String, Sendable, Equatable, Codable {
    case success = "Success"
    case failure = "Failure"
    /// Not enough evidence either way: never promotes, never fails a rollout by itself.
    case inconclusive = "Inconclusive"
}

/// One metric's verdict for one interval, with what it rests on (shown by `kubectl describe`).
public struct MetricVerdict: Sendable, Equatable {
    public var metric: String
    public var value: Double?
    public var threshold: Threshold
    public var samples: Double?
    public var verdict: Verdict
    /// Why, in words on-call can act on.
    public var reason: String

    public init(metric: String, value: Double?, threshold: Threshold, samples: Double?, verdict: Verdict, reason: String) {
        self.metric = metric
        self.value = value
        self.threshold = threshold
        self.samples = samples
        self.verdict = verdict
        self.reason = reason
    }
}

/// Judges measurements. Pure: the same inputs give the same verdict, so every case is a table row.
///
/// Against what users of Flagger and Argo Rollouts trip over: too little traffic, no series, NaN and provider
/// errors are inconclusive (never "no values found" failing a rollout, never an empty result promoting one).
public enum AnalysisEvaluator {
    public static func judge(metric: String, _ measurement: Measurement, threshold: Threshold, samples: Measurement,
                             minSamples: Double) -> MetricVerdict {
        func verdict(_ verdict: Verdict, _ value: Double?, _ count: Double?, _ reason: String) -> MetricVerdict {
            MetricVerdict(metric: metric, value: value, threshold: threshold, samples: count, verdict: verdict, reason: reason)
        }
        let count: Double
        switch samples {
        case .providerError(let error): return verdict(.inconclusive, nil, nil, "the request count could not be read: \(error)")
        case .noData: count = 0
        case .value(let value): count = value.isNaN ? 0 : value
        }
        guard count >= minSamples else {
            return verdict(.inconclusive, nil, count, "\(Self.format(count)) requests in the window, fewer than the \(Self.format(minSamples)) needed")
        }
        switch measurement {
        case .providerError(let error):
            return verdict(.inconclusive, nil, count, "\(metric) could not be read: \(error)")
        case .noData:
            return verdict(.inconclusive, nil, count, "\(metric) returned no data")
        case .value(let value) where value.isNaN || value.isInfinite:
            return verdict(.inconclusive, nil, count, "\(metric) is \(value)")
        case .value(let value):
            let holds = switch threshold {
            case .min(let bound): value >= bound
            case .max(let bound): value <= bound
            }
            let comparison = "\(metric) \(Self.format(value)) (must be \(threshold)) over \(Self.format(count)) requests"
            return holds ? verdict(.success, value, count, comparison) : verdict(.failure, value, count, comparison)
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}

/// Counts across intervals, and what they call for. A success resets the inconclusive run (evidence came back),
/// never the failure count: failures add up over the whole step, as in Flagger and Argo Rollouts.
public struct AnalysisTally: Sendable, Equatable, Codable {
    public var successes = 0
    public var failures = 0
    public var inconclusives = 0

    public init() {}

    public enum Decision: Sendable, Equatable {
        case keepGoing
        /// More failures than `failureLimit`: apply the rollout's onFailure.
        case failed
        /// More inconclusive intervals in a row than `inconclusiveLimit`: pause for a human, with the reason.
        case pauseInconclusive
    }

    /// An interval's verdict is its worst metric's: one failure fails it; otherwise one inconclusive makes it inconclusive.
    public mutating func record(_ verdicts: [MetricVerdict]) {
        if verdicts.contains(where: { $0.verdict == .failure }) {
            failures += 1
        } else if verdicts.isEmpty || verdicts.contains(where: { $0.verdict == .inconclusive }) {
            inconclusives += 1
        } else {
            successes += 1
            inconclusives = 0
        }
    }

    public func decision(failureLimit: Int, inconclusiveLimit: Int) -> Decision {
        if failures > failureLimit { return .failed }
        if inconclusives > inconclusiveLimit { return .pauseInconclusive }
        return .keepGoing
    }
}
