import ModelshipController
import Testing

@Suite struct AnalysisEvaluatorTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var measurement: Measurement
        var samples: Measurement
        var threshold: Threshold
        var expected: Verdict
        var reasonContains: String
        var testDescription: String { "\(measurement) with \(samples) samples, \(threshold) -> \(expected)" }
    }

    static let rows: [Row] = [
        Row(measurement: .value(0.999), samples: .value(500), threshold: .min(0.99), expected: .success, reasonContains: "0.999 (must be >= 0.99) over 500 requests"),
        Row(measurement: .value(0.95), samples: .value(500), threshold: .min(0.99), expected: .failure, reasonContains: "0.95 (must be >= 0.99)"),
        Row(measurement: .value(0.99), samples: .value(500), threshold: .min(0.99), expected: .success, reasonContains: "must be >= 0.99"),
        Row(measurement: .value(0.8), samples: .value(500), threshold: .max(0.5), expected: .failure, reasonContains: "must be <= 0.5"),
        Row(measurement: .value(0.2), samples: .value(500), threshold: .max(0.5), expected: .success, reasonContains: "0.2"),
        // Too little traffic is never a verdict, however bad or good the value looks.
        Row(measurement: .value(0.0), samples: .value(20), threshold: .min(0.99), expected: .inconclusive, reasonContains: "20 requests in the window, fewer than the 100 needed"),
        Row(measurement: .value(1.0), samples: .noData, threshold: .min(0.99), expected: .inconclusive, reasonContains: "0 requests"),
        Row(measurement: .value(1.0), samples: .value(.nan), threshold: .min(0.99), expected: .inconclusive, reasonContains: "0 requests"),
        // No series, NaN (0/0 rate), infinity and provider errors are inconclusive, not failures.
        Row(measurement: .noData, samples: .value(500), threshold: .min(0.99), expected: .inconclusive, reasonContains: "returned no data"),
        Row(measurement: .value(.nan), samples: .value(500), threshold: .max(0.5), expected: .inconclusive, reasonContains: "is nan"),
        Row(measurement: .value(.infinity), samples: .value(500), threshold: .max(0.5), expected: .inconclusive, reasonContains: "is inf"),
        Row(measurement: .providerError("connection refused"), samples: .value(500), threshold: .min(0.99), expected: .inconclusive,
            reasonContains: "could not be read: connection refused"),
        Row(measurement: .value(0.999), samples: .providerError("timeout"), threshold: .min(0.99), expected: .inconclusive,
            reasonContains: "request count could not be read: timeout"),
    ]

    @Test(arguments: rows)
    func aMeasurementGetsTheVerdictItEarns(row: Row) {
        let verdict = AnalysisEvaluator.judge(metric: "success-rate", row.measurement, threshold: row.threshold, samples: row.samples,
                                              minSamples: 100)
        #expect(verdict.verdict == row.expected)
        #expect(verdict.reason.contains(row.reasonContains), "\(verdict.reason)")
    }

    func interval(_ verdicts: Verdict...) -> [MetricVerdict] {
        verdicts.map { MetricVerdict(metric: "m", value: nil, threshold: .min(0), samples: nil, verdict: $0, reason: "") }
    }

    @Test func failuresAddUpAndInconclusiveRunsPause() {
        var tally = AnalysisTally()
        tally.record(interval(.success, .failure))
        #expect(tally.decision(failureLimit: 1, inconclusiveLimit: 2) == .keepGoing)
        tally.record(interval(.success, .success))
        tally.record(interval(.failure, .inconclusive))
        #expect(tally.failures == 2 && tally.successes == 1)
        #expect(tally.decision(failureLimit: 1, inconclusiveLimit: 2) == .failed)

        var quiet = AnalysisTally()
        for _ in 0..<3 { quiet.record(interval(.success, .inconclusive)) }
        #expect(quiet.decision(failureLimit: 0, inconclusiveLimit: 3) == .keepGoing)
        quiet.record(interval(.inconclusive))
        #expect(quiet.decision(failureLimit: 0, inconclusiveLimit: 3) == .pauseInconclusive)
        // Evidence coming back ends the inconclusive run.
        quiet.record(interval(.success, .success))
        #expect(quiet.inconclusives == 0 && quiet.decision(failureLimit: 0, inconclusiveLimit: 3) == .keepGoing)
        // An interval that measured nothing proves nothing.
        quiet.record([])
        #expect(quiet.inconclusives == 1)
    }

    @Test func builtInQueriesSelectOneVersionOfOneModel() {
        let queries = MetricQueries(namespace: "ml", name: "fraud", version: "8\"x", interval: "1m")
        let selector = #"namespace="ml", model="fraud", version="8\"x""#
        #expect(queries.successRate == "sum(rate(modelship_requests_total{\(selector), code!~\"5..\"}[1m])) / sum(rate(modelship_requests_total{\(selector)}[1m]))")
        #expect(queries.latencyP99 == "histogram_quantile(0.99, sum by (le) (rate(modelship_request_duration_seconds_bucket{\(selector)}[1m])))")
        #expect(queries.samples == "sum(increase(modelship_requests_total{\(selector)}[1m]))")
        #expect(queries.custom(#"avg(my_score{ns="{{namespace}}", app="{{name}}", v="{{version}}"}[{{interval}}])"#)
                == #"avg(my_score{ns="ml", app="fraud", v="8\"x"}[1m])"#)
    }
}
